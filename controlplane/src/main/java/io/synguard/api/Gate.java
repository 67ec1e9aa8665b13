package io.synguard.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Judges a request on its head, before any of its body is read: its route (404, 405, 400), its
 * token (401, 403), the size it announces (413) and what it expects (417). A refused request
 * without a body leaves the connection as it was; one with a body closes it, unread.
 */
final class Gate extends Checkpoint {
    private final Access access;
    /** Dropping the rest of a refused request that had no body to speak of. */
    private boolean skipping;

    Gate(Access access) {
        this.access = access;
    }

    @Override
    void check(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest head) {
            try {
                judge(head);
            } catch (ApiException | Router.MethodNotAllowed e) {
                boolean body = HttpUtil.isTransferEncodingChunked(head) || HttpUtil.getContentLength(head, 0L) > 0;
                boolean close = body || !HttpUtil.isKeepAlive(head);
                Refusal refusal = new Refusal(e, head.method().name(), Access.pathOf(head.uri()), close);
                skipping = !close && !(msg instanceof LastHttpContent);
                ReferenceCountUtil.release(msg);
                refuse(ctx, refusal);
                return;
            }
        }
        if (skipping) {
            skipping = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void judge(HttpRequest head) {
        access.check(head.method().name(), head.uri(), head.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (HttpUtil.getContentLength(head, 0L) > ApiServer.MAX_BODY) {
            throw BodyLimit.tooLarge();
        }
        String expect = head.headers().get(HttpHeaderNames.EXPECT);
        if (expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect)) {
            throw new ApiException(417, "expectation_failed", "the only expectation served is '100-continue'");
        }
    }
}

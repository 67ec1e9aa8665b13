package io.synguard.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The aggregator, which passes a request on only once its body has arrived whole. A body that grows
 * past {@link ApiServer#MAX_BODY} as it streams in (one announced larger never gets here: the
 * {@link Gate} refused it) is refused with 413 and the connection closed.
 */
final class BodyLimit extends HttpObjectAggregator {
    BodyLimit() {
        super(ApiServer.MAX_BODY, true);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        Refusal.stopReading(ctx);
        HttpRequest head = (HttpRequest) oversized;
        ctx.fireChannelRead(new Refusal(tooLarge(), head.method().name(), Access.pathOf(head.uri()), true));
    }

    static ApiException tooLarge() {
        return new ApiException(413, "too_large", "request bodies are limited to " + ApiServer.MAX_BODY + " bytes");
    }
}

package io.synguard.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The request's framing, checked first: a request line, header, {@code Content-Length} or chunk
 * that did not decode, a URI over {@value #MAX_URI} bytes, or a request stalled part-way (in its
 * head or its body) past the idle timeout is refused (400, 414, 431, 408) and nothing more is read from the connection; no
 * message with a failed decoding goes further.
 */
final class Framing extends Checkpoint {
    static final int MAX_URI = 8 << 10;
    static final int MAX_HEADERS = 16 << 10;

    private boolean inRequest;
    private String method;
    private String path;

    @Override
    void check(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpObject http) {
            DecoderResult result = http.decoderResult();
            if (result.isFailure()) {
                ReferenceCountUtil.release(msg);
                refuse(ctx, undecodable(result.cause()), !(msg instanceof HttpRequest));
                return;
            }
            if (msg instanceof HttpRequest head) {
                inRequest = true;
                method = head.method().name();
                path = Access.pathOf(head.uri());
                if (head.uri().length() > MAX_URI) {
                    ReferenceCountUtil.release(msg);
                    path = path.length() > 64 ? path.substring(0, 64) + "..." : path;
                    refuse(ctx, new ApiException(414, "uri_too_long", "the URI is over " + MAX_URI + " bytes"), true);
                    return;
                }
            }
            if (msg instanceof LastHttpContent) {
                inRequest = false;
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && !closing() && (inRequest || partOfAHead(ctx))) {
            refuse(ctx, new ApiException(408, "timeout", "the request stalled before it arrived whole"), inRequest);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    private static boolean partOfAHead(ChannelHandlerContext ctx) {
        return ctx.pipeline().get(ApiInitializer.DECODER) instanceof ApiInitializer.RequestDecoder d && d.holdsPartOfAHead();
    }

    /** headKnown: whether the failure came after a head that decoded, whose method and path to report. */
    private void refuse(ChannelHandlerContext ctx, ApiException reason, boolean headKnown) {
        refuse(ctx, new Refusal(reason, headKnown ? method : null, headKnown ? path : null, true));
    }

    private static ApiException undecodable(Throwable cause) {
        return switch (cause) {
            case TooLongHttpLineException e -> new ApiException(414, "uri_too_long", "the request line is over "
                    + MAX_URI + " bytes");
            case TooLongHttpHeaderException e -> new ApiException(431, "headers_too_large", "the headers are over "
                    + MAX_HEADERS + " bytes");
            default -> ApiException.badRequest("malformed request: " + cause.getMessage());
        };
    }
}

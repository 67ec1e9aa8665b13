package io.synguard.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The request's framing, checked first: a request line, header, {@code Content-Length} or chunk
 * that did not decode, a URI over {@value #MAX_URI} bytes, a request stalled part-way (in its
 * head or its body) past the idle timeout, or one not whole by its deadline is refused (400, 414,
 * 431, 408) and nothing more is read from the connection; no message with a failed decoding goes
 * further.
 *
 * <p>The deadline: a request must arrive whole within the timeout of its first byte, plus a second
 * for every {@value #BODY_BYTES_A_SECOND} bytes of body that arrived, so a body sent at least that
 * fast is never cut off and one trickled in is. The time between requests, and time spent while
 * the server had stopped reading (answering those before it), never count.
 */
final class Framing extends Checkpoint {
    static final int MAX_URI = 8 << 10;
    static final int MAX_HEADERS = 16 << 10;
    /** The slowest body rate a request's deadline allows for: 64 KiB a second. */
    static final long BODY_BYTES_A_SECOND = 64 << 10;

    private final long timeoutNanos;
    private boolean inRequest;
    private String method;
    private String path;
    /** The current request's: when its first byte arrived, its body bytes so far, the check pending. */
    private long startNanos;
    private long bodyBytes;
    private ScheduledFuture<?> deadline;

    Framing(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

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
                bodyBytes = 0;
                method = head.method().name();
                path = Access.pathOf(head.uri());
                if (head.uri().length() > MAX_URI) {
                    ReferenceCountUtil.release(msg);
                    path = path.length() > 64 ? path.substring(0, 64) + "..." : path;
                    refuse(ctx, new ApiException(414, "uri_too_long", "the URI is over " + MAX_URI + " bytes"), true);
                    return;
                }
            }
            if (msg instanceof HttpContent content) {
                bodyBytes += content.content().readableBytes();
            }
            if (msg instanceof LastHttpContent) {
                inRequest = false;
                disarm();
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

    /** Starts the deadline of a request that began in what was just read and is not whole yet. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (deadline == null && !closing() && (inRequest || partOfAHead(ctx))) {
            startNanos = ctx.executor().ticker().nanoTime();
            expireIn(ctx, timeoutNanos);
        }
        ctx.fireChannelReadComplete();
    }

    private void expireIn(ChannelHandlerContext ctx, long nanos) {
        deadline = ctx.executor().schedule(() -> expire(ctx), nanos, TimeUnit.NANOSECONDS);
    }

    /** Refuses the request if its deadline passed; starts it afresh if reading had stopped meanwhile. */
    private void expire(ChannelHandlerContext ctx) {
        deadline = null;
        if (closing() || !Refusal.reading(ctx) || !(inRequest || partOfAHead(ctx))) {
            return;
        }
        long now = ctx.executor().ticker().nanoTime();
        if (!ctx.channel().config().isAutoRead()) {
            startNanos = now;
            bodyBytes = 0;
            expireIn(ctx, timeoutNanos);
            return;
        }
        long left = startNanos + timeoutNanos + bodyBytes * 1_000_000_000L / BODY_BYTES_A_SECOND - now;
        if (left > 0) {
            expireIn(ctx, left);
        } else {
            refuse(ctx, new ApiException(408, "timeout", "the request did not arrive whole in time"), inRequest);
        }
    }

    private void disarm() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
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

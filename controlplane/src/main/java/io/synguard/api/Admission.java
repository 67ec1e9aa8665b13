package io.synguard.api;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cap on connections open at once, shared by all of them: one over it is answered 503 (with
 * {@code Retry-After}) as soon as it opens, and closed.
 */
@ChannelHandler.Sharable
final class Admission extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<Boolean> COUNTED = AttributeKey.valueOf(Admission.class, "counted");

    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    Admission(int max) {
        this.max = max;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.fireChannelActive();
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            Refusal.stopReading(ctx);
            ctx.fireChannelRead(new Refusal(new ApiException(503, "busy", "the API serves " + max
                    + " connections at once; try again shortly"), null, null, true));
        } else {
            ctx.channel().attr(COUNTED).set(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (Boolean.TRUE.equals(ctx.channel().attr(COUNTED).getAndSet(false))) {
            open.decrementAndGet();
        }
        ctx.fireChannelInactive();
    }
}

package io.synguard.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * A handler that may refuse a request before it is served. A refusal goes down the pipeline to the
 * {@link ApiHandler}, which answers it in its turn; one that closes the connection also stops the
 * reading, and this handler drops whatever had already been read.
 */
abstract class Checkpoint extends ChannelInboundHandlerAdapter {
    private boolean closing;

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else {
            check(ctx, msg);
        }
    }

    /** Passes msg on, or releases it and {@link #refuse refuses} its request. */
    abstract void check(ChannelHandlerContext ctx, Object msg);

    final void refuse(ChannelHandlerContext ctx, Refusal refusal) {
        if (refusal.close()) {
            closing = true;
            Refusal.stopReading(ctx);
        }
        ctx.fireChannelRead(refusal);
    }

    /** Whether a refusal here closes the connection. */
    final boolean closing() {
        return closing;
    }
}

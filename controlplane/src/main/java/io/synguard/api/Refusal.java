package io.synguard.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;

/**
 * A request answered without reaching an endpoint, passed down the pipeline to the
 * {@link ApiHandler}, which answers it in its turn and audits it.
 *
 * @param reason what to answer: an {@link ApiException}, or {@link Router.MethodNotAllowed}
 * @param method the request's method; null when its head did not decode, or there was none
 * @param path   its path, as sent; null likewise
 * @param close  close the connection after the answer: what follows it cannot be read as a request
 */
record Refusal(RuntimeException reason, String method, String path, boolean close) {
    /**
     * Stops reading requests from ctx's connection: from now on, what arrives is dropped before the
     * HTTP decoder (and so never buffered), until the connection closes.
     */
    static void stopReading(ChannelHandlerContext ctx) {
        ChannelPipeline pipeline = ctx.pipeline();
        if (pipeline.get(Drain.class) == null && pipeline.get(ApiInitializer.DECODER) != null) {
            pipeline.addBefore(ApiInitializer.DECODER, "drain", Drain.INSTANCE);
        }
    }

    /** Drops bytes; passes anything else on. */
    @ChannelHandler.Sharable
    private static final class Drain extends ChannelInboundHandlerAdapter {
        static final Drain INSTANCE = new Drain();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf bytes) {
                bytes.release();
            } else {
                ctx.fireChannelRead(msg);
            }
        }
    }
}

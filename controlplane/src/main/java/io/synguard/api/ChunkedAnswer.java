package io.synguard.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one streamed answer: its head, then each chunk as a worker makes it, the next made only
 * once the last is written and the connection is writable (Netty's writability: the bytes queued to
 * the socket are under its high-water mark). A slow reader therefore holds back the making, and at
 * most one chunk and the queued bytes are in memory. A chunk that fails to be made ends the
 * connection: the status has gone out, and a cut chunked body tells the client it is incomplete.
 */
final class ChunkedAnswer {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkedAnswer.class);

    private final ChannelHandlerContext ctx;
    private final Executor workers;
    private final Response.Chunks chunks;
    private final String what;
    /** Runs on the event loop once the last chunk is written; told whether the answer ended whole. */
    private final Done done;
    private boolean awaitingWritability;
    private boolean over;

    /** What runs once the answer is over. */
    @FunctionalInterface
    interface Done {
        void over(boolean whole);
    }

    ChunkedAnswer(ChannelHandlerContext ctx, Executor workers, Response.Chunks chunks, String what, Done done) {
        this.ctx = ctx;
        this.workers = workers;
        this.chunks = chunks;
        this.what = what;
        this.done = done;
    }

    /** Writes the head and starts on the body; on the event loop. */
    void start(HttpResponse head) {
        ctx.writeAndFlush(head);
        make();
    }

    /** The connection's writability changed; on the event loop. */
    void writabilityChanged() {
        if (awaitingWritability && ctx.channel().isWritable()) {
            awaitingWritability = false;
            make();
        }
    }

    /** The connection went away; on the event loop. */
    void abandon() {
        finish(false);
    }

    private void make() {
        workers.execute(() -> {
            byte[] chunk;
            try {
                chunk = chunks.next();
            } catch (RuntimeException e) {
                LOG.error("{}: making the answer failed after its head went out; its connection ends", what, e);
                onLoop(() -> {
                    ctx.close();
                    finish(false);
                });
                return;
            }
            onLoop(() -> write(chunk));
        });
    }

    private void write(byte[] chunk) {
        if (over || !ctx.channel().isActive()) {
            finish(false);
            return;
        }
        if (chunk == null) {
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            finish(true);
            return;
        }
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk)))
                .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (ctx.channel().isWritable()) {
            make();
        } else {
            awaitingWritability = true;
        }
    }

    private void finish(boolean whole) {
        if (!over) {
            over = true;
            done.over(whole);
        }
    }

    private void onLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }
}

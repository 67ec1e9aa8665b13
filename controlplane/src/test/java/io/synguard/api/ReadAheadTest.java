package io.synguard.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How much a connection reads ahead of the request being served: a few requests, never many bodies. */
class ReadAheadTest {
    /** Workers that take every task and run none: a request handed to them stays under way. */
    private static final Executor HELD = task -> { };

    @TempDir
    Path dir;

    private FakeService service;
    private EmbeddedChannel channel;

    @BeforeEach
    void handler() {
        service = new FakeService(dir);
        Audit audit = new Audit(InstantSource.fixed(FakeService.NOW));
        channel = new EmbeddedChannel(new ApiHandler(new Access(service.router(), new Tokens("t")), audit, HELD));
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
        service.close();
    }

    @Test
    void pipelinedBulkBodiesPauseReadingOnceAMebibyteWaits() {
        channel.writeInbound(post(64)); // being served, held
        channel.writeInbound(post((int) ApiHandler.READ_AHEAD_BYTES));
        assertFalse(channel.config().isAutoRead(), "a mebibyte of body waits: read no more");
    }

    @Test
    void smallPipelinedRequestsKeepReading() {
        channel.writeInbound(post(64));
        channel.writeInbound(post(64));
        channel.writeInbound(post(64));
        assertTrue(channel.config().isAutoRead());
    }

    private static FullHttpRequest post(int bodyBytes) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/blocks",
                Unpooled.wrappedBuffer(new byte[bodyBytes]));
        r.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer t");
        return r;
    }
}

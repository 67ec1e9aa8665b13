package io.synguard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.synguard.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests through the real {@link ApiHandler} (routing, token, endpoint, the mapping of failures to
 * statuses and error bodies) on an embedded channel: no socket, and the endpoint runs on the
 * calling thread, so a reply is there as soon as {@link #call} returns.
 */
final class Exchange implements AutoCloseable {
    static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);

    private final EmbeddedChannel channel;
    private final String token;

    /** Requests to router, made with token, which is also the one the handler takes. */
    Exchange(Router router, String token) {
        this.token = token;
        Audit audit = new Audit(InstantSource.fixed(FakeService.NOW));
        this.channel = new EmbeddedChannel(new ApiHandler(router, new Tokens(token), audit, new Direct())) {
            @Override
            protected SocketAddress remoteAddress0() {
                return PEER;
            }
        };
    }

    /** A reply as the client sees it. */
    record Reply(int status, HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        /** Asserts this is an error of API.md's shape with the given status. */
        Reply assertError(int expected) {
            assertEquals(expected, status, body);
            assertTrue(headers.get(HttpHeaderNames.CONTENT_TYPE).startsWith("application/json"), body);
            JsonNode json = json();
            Set<String> fields = new HashSet<>();
            json.fieldNames().forEachRemaining(fields::add);
            assertEquals(Set.of("error", "detail"), fields, body);
            assertTrue(json.get("error").isTextual() && !json.get("error").asText().isEmpty(), body);
            assertTrue(json.get("detail").isTextual() && !json.get("detail").asText().isEmpty(), body);
            return this;
        }
    }

    Reply get(String uri) {
        return call("GET", uri, null, token);
    }

    /** The JSON a GET with the token answers; asserts it answers 200. */
    JsonNode getJson(String uri) {
        Reply reply = get(uri);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    Reply post(String uri, String body) {
        return call("POST", uri, body, token);
    }

    Reply patch(String uri, String body) {
        return call("PATCH", uri, body, token);
    }

    Reply delete(String uri) {
        return call("DELETE", uri, null, token);
    }

    /** One request; token null sends no Authorization header. */
    Reply call(String method, String uri, String body, String bearer) {
        return send(method, uri, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), bearer);
    }

    Reply send(String method, String uri, byte[] body, String bearer) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), uri,
                Unpooled.wrappedBuffer(body));
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (body.length > 0) {
            request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        }
        if (bearer != null) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + bearer);
        }
        channel.writeInbound(request);
        FullHttpResponse response = channel.readOutbound();
        assertNotNull(response, method + " " + uri + " got no reply");
        try {
            return new Reply(response.status().code(), response.headers().copy(),
                    response.content().toString(StandardCharsets.UTF_8));
        } finally {
            response.release();
            assertFalse(channel.outboundMessages().size() > 0, "more than one reply");
        }
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }

    /** Runs each task at once, on the caller's thread. */
    private static final class Direct extends AbstractExecutorService {
        private volatile boolean shutdown;

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}

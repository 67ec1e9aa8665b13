package io.synguard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.synguard.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests through the server's real pipeline ({@link ApiInitializer}: the HTTP codec, framing, the
 * head's judge, aggregation, routing, token, endpoint, the mapping of failures to statuses and error
 * bodies) on an embedded channel, as bytes: no socket, and the endpoint runs on the calling thread,
 * so a reply is there as soon as {@link #call} returns. A connection the server closed is replaced
 * by a fresh one for the next request.
 */
final class Exchange implements AutoCloseable {
    static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);

    private final ApiInitializer pipeline;
    private final String token;
    private final List<ByteBuf> sent = new ArrayList<>();
    private EmbeddedChannel channel;

    /** Requests to router, made with token, which is also the one the server takes. */
    Exchange(Router router, String token) {
        this(router, new Tokens(token), token);
    }

    /** Requests to router, made with token; the server takes tokens. */
    Exchange(Router router, Tokens tokens, String token) {
        this.token = token;
        Audit audit = new Audit(InstantSource.fixed(FakeService.NOW));
        this.pipeline = new ApiInitializer(new Access(router, tokens), audit, Runnable::run, null,
                ApiServer.Config.MAX_CONNECTIONS, ApiServer.Config.IDLE_TIMEOUT);
        this.channel = connect();
    }

    private EmbeddedChannel connect() {
        return new EmbeddedChannel(pipeline) {
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
        EmbeddedChannel encoder = new EmbeddedChannel(new HttpRequestEncoder());
        encoder.writeOutbound(request);
        CompositeByteBuf bytes = Unpooled.compositeBuffer(Integer.MAX_VALUE);
        for (ByteBuf b = encoder.readOutbound(); b != null; b = encoder.readOutbound()) {
            bytes.addComponent(true, b);
        }
        encoder.finishAndReleaseAll();
        List<Reply> replies = raw(bytes);
        assertEquals(1, replies.size(), method + " " + uri + " got " + replies.size() + " replies: " + replies);
        return replies.getFirst();
    }

    /** Sends text as it is on the current connection (a fresh one if the last closed); the replies it got. */
    List<Reply> raw(String text) {
        return raw(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    }

    /** Sends bytes on the current connection (a fresh one if the last closed); the replies it got. */
    List<Reply> raw(ByteBuf bytes) {
        if (!channel.isOpen()) {
            channel.finishAndReleaseAll();
            channel = connect();
        }
        sent.add(bytes);
        channel.writeInbound(bytes.retain());
        bytes.release();
        channel.runPendingTasks();
        EmbeddedChannel decoder = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 26));
        for (ByteBuf b = channel.readOutbound(); b != null; b = channel.readOutbound()) {
            decoder.writeInbound(b);
        }
        List<Reply> replies = new ArrayList<>();
        for (FullHttpResponse r = decoder.readInbound(); r != null; r = decoder.readInbound()) {
            try {
                replies.add(new Reply(r.status().code(), r.headers().copy(), r.content().toString(StandardCharsets.UTF_8)));
            } finally {
                r.release();
            }
        }
        decoder.finishAndReleaseAll();
        return replies;
    }

    /** Closes the connection from the client's side, as one that goes away mid-request. */
    void disconnect() {
        channel.close();
        channel.runPendingTasks();
    }

    /** Whether the server kept the connection of the last request open. */
    boolean open() {
        return channel.isOpen();
    }

    /**
     * Closes the connection, asserting that nothing was left unread on either side and that every
     * buffer sent in was released.
     */
    @Override
    public void close() {
        assertFalse(channel.finish(), "messages left in the pipeline");
        for (ByteBuf b : sent) {
            assertEquals(0, b.refCnt(), "a buffer sent in was not released");
        }
    }
}

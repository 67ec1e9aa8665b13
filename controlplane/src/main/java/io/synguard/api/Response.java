package io.synguard.api;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.synguard.json.Json;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * A response: status, content type, headers and body, whole or {@link Chunks streamed}.
 *
 * @param status      HTTP status
 * @param contentType the body's type; null for no body
 * @param body        the body when whole; empty when streamed
 * @param headers     headers beyond the content's
 * @param chunks      the body when streamed; else null
 */
public record Response(int status, String contentType, byte[] body, Map<String, String> headers, Chunks chunks) {
    static final String JSON = "application/json";
    static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    /** A whole body. */
    public Response(int status, String contentType, byte[] body) {
        this(status, contentType, body, Map.of(), null);
    }

    /**
     * A body made a chunk at a time while the connection takes it (chunked transfer encoding), so
     * that a large one is never whole in memory. Called on a worker, one call at a time.
     */
    @FunctionalInterface
    public interface Chunks {
        /** The next part of the body; null once all of it was given. */
        byte[] next();
    }

    /** A 200 whose body is streamed. */
    static Response streamed(String contentType, Map<String, String> headers, Chunks chunks) {
        return new Response(200, contentType, new byte[0], headers, chunks);
    }

    static Response json(int status, Object value) {
        try {
            return new Response(status, JSON, Json.mapper().writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static Response empty(int status) {
        return new Response(status, null, new byte[0]);
    }

    /** Metrics in the Prometheus text exposition format 0.0.4. */
    static Response prometheus(int status, MetricSnapshots metrics) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, metrics);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Response(status, PROMETHEUS, out.toByteArray());
    }

    static Response error(ApiException e) {
        return json(e.status(), new ErrorBody(e.code(), e.getMessage()));
    }

    /** The body of every error. */
    record ErrorBody(String error, String detail) {}
}

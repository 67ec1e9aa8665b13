package io.synguard.api;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.synguard.json.Json;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A response: status, content type and body.
 *
 * @param status      HTTP status
 * @param contentType the body's type; null for no body
 * @param body        the body
 */
public record Response(int status, String contentType, byte[] body) {
    static final String JSON = "application/json";
    static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

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

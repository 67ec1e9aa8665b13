package io.synguard.api;

import io.synguard.json.Json;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.nio.charset.StandardCharsets;

/**
 * A response: status, content type and body.
 *
 * @param status      HTTP status
 * @param contentType the body's type; null for no body
 * @param body        the body
 */
public record Response(int status, String contentType, byte[] body) {
    static final String JSON = "application/json";

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

    static Response text(int status, String contentType, String text) {
        return new Response(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    static Response error(ApiException e) {
        return json(e.status(), new ErrorBody(e.code(), e.getMessage()));
    }

    /** The body of every error. */
    record ErrorBody(String error, String detail) {}
}

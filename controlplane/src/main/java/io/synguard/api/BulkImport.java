package io.synguard.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.synguard.config.Settings;
import io.synguard.json.Json;
import io.synguard.policy.Policy;

import java.io.IOException;
import java.util.List;

/**
 * The body of a bulk import (a JSON array of rule objects) decoded and validated the way
 * {@code POST /v1/blocks} and {@code POST /v1/allows} decode it, for callers outside the server:
 * the benchmarks time this path.
 */
public final class BulkImport {
    private BulkImport() {}

    /**
     * The entries of body, in order, each validated; throws {@link ApiException} (400, or 413 past
     * {@value Endpoints#MAX_BULK} entries) where the endpoint would refuse the body.
     */
    public static List<Policy.Request> decode(byte[] body) {
        try (JsonParser parser = Json.mapper().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw ApiException.badRequest("a bulk import is a JSON array of objects");
            }
            List<Policy.Request> all = Endpoints.bulk(parser);
            Endpoints.requireEnd(parser);
            return all;
        } catch (IOException e) {
            throw ApiException.badRequest("malformed JSON: " + Settings.reason(e));
        }
    }
}

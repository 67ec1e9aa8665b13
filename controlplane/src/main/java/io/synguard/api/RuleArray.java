package io.synguard.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.synguard.json.Json;
import io.synguard.policy.Listing;
import io.synguard.policy.Policy;

import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * A listing as the JSON array of {@link Views.Rule}s that {@code GET /v1/blocks} answers, made
 * {@value #ENTRIES} entries at a time: the body of a streamed response.
 */
final class RuleArray implements Response.Chunks {
    /** Entries a chunk holds: about 128 KB of JSON. */
    static final int ENTRIES = 1024;
    private static final ObjectWriter RULE = Json.mapper().writerFor(Views.Rule.class);

    private final Listing listing;
    /** This host's name in its fleet, for its own entries; null outside a fleet. */
    private final String self;
    private boolean started;
    private boolean ended;

    RuleArray(Listing listing, String self) {
        this.listing = listing;
        this.self = self;
    }

    @Override
    public byte[] next() {
        if (ended) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(ENTRIES * 160);
        List<Policy.Listed> chunk = listing.next(ENTRIES);
        for (Policy.Listed l : chunk) {
            out.write(started ? ',' : '[');
            started = true;
            out.writeBytes(json(Views.Rule.of(l, self)));
        }
        if (chunk.isEmpty()) {
            out.writeBytes(started ? new byte[]{']'} : new byte[]{'[', ']'});
            ended = true;
        }
        return out.toByteArray();
    }

    private static byte[] json(Views.Rule rule) {
        try {
            return RULE.writeValueAsBytes(rule);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a rule as JSON", e);
        }
    }
}

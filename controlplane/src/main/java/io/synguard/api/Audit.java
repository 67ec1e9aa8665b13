package io.synguard.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.synguard.json.Json;

import java.time.InstantSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: one JSON line per mutating call and per refused request (of any method, also one
 * refused before it was read whole), on the {@code audit} logger, which the daemon sends to
 * {@code <state-dir>/audit.log}. Who (peer, token id), what (method, path, status), why it was
 * refused, and the state before and after a change. Never the token itself.
 */
public final class Audit {
    private static final Logger LOG = LoggerFactory.getLogger("audit");

    private final InstantSource clock;

    public Audit(InstantSource clock) {
        this.clock = clock;
    }

    void record(Request r, int status, Object before, Object after) {
        write(r, new Line(Views.time(clock.instant()), peer(r), r.tokenId(), r.method(), r.path(), status, null,
                before, after));
    }

    /** A request refused with status, and why; method and path are null when its head did not decode. */
    void refused(Request r, int status, String reason) {
        write(r, new Line(Views.time(clock.instant()), peer(r), r.tokenId(), r.method(), r.path(), status, reason,
                null, null));
    }

    private static String peer(Request r) {
        return r.peer() == null ? null : r.peer().getAddress().getHostAddress() + ":" + r.peer().getPort();
    }

    private static void write(Request r, Line line) {
        try {
            LOG.info("{}", Json.mapper().writeValueAsString(line));
        } catch (JsonProcessingException e) {
            LOG.error("cannot write an audit line for {} {}: {}", r.method(), r.path(), e.getMessage());
        }
    }

    record Line(String time, String peer, String tokenId, String method, String path, int status, String reason,
                Object before, Object after) {}
}

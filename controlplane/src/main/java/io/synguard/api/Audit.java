package io.synguard.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.synguard.json.Json;

import java.time.InstantSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: one JSON line per mutating call, refused ones included, on the {@code audit}
 * logger, which the daemon sends to {@code <state-dir>/audit.log}. Who (peer, token id), what
 * (method, path, status), and the state before and after.
 */
public final class Audit {
    private static final Logger LOG = LoggerFactory.getLogger("audit");

    private final InstantSource clock;

    public Audit(InstantSource clock) {
        this.clock = clock;
    }

    void record(Request r, int status, Object before, Object after) {
        Line line = new Line(Views.time(clock.instant()), r.peer() == null ? null : r.peer().getAddress().getHostAddress()
                + ":" + r.peer().getPort(), r.tokenId(), r.method(), r.path(), status, before, after);
        try {
            LOG.info("{}", Json.mapper().writeValueAsString(line));
        } catch (JsonProcessingException e) {
            LOG.error("cannot write an audit line for {} {}: {}", r.method(), r.path(), e.getMessage());
        }
    }

    record Line(String time, String peer, String tokenId, String method, String path, int status, Object before,
                Object after) {}
}

package io.synguard.policy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A wall clock that moves only when told. */
public final class FakeTime implements InstantSource {
    private Instant now = Instant.parse("2026-11-24T12:00:00Z");

    @Override
    public synchronized Instant instant() {
        return now;
    }

    public synchronized void advance(Duration d) {
        now = now.plus(d);
    }
}

package io.synguard.policy;

import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A wall clock and a ticker that move together, only when told. */
final class FakeTime implements InstantSource, Ticker {
    private Instant now = Instant.parse("2026-11-24T12:00:00Z");
    private long nanos = 1_000_000_000L;

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public synchronized long read() {
        return nanos;
    }

    synchronized void advance(Duration d) {
        now = now.plus(d);
        nanos += d.toNanos();
    }
}

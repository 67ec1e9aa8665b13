package io.synguard.detect;

import io.synguard.dataplane.Abi.Counter;
import io.synguard.dataplane.Counters;

import java.time.Instant;

/**
 * The data plane's counters at a moment.
 *
 * @param at       when they were read
 * @param counters the totals since the maps were made
 */
public record Sample(Instant at, Counters.Snapshot counters) {
    long get(Counter c) {
        return counters.get(c);
    }
}

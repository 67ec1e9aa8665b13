package io.synguard.dataplane;

import java.util.Map;

/** Counter snapshots made up by tests, as {@link Counters#read} would return them. */
public final class CounterValues {
    private CounterValues() {}

    public static Counters.Snapshot of(Map<Abi.Counter, Long> values) {
        return Counters.Snapshot.of(values);
    }
}

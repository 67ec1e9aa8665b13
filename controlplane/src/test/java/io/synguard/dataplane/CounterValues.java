package io.synguard.dataplane;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Counter snapshots made up by tests, as {@link Counters#read} would return them, and their checks. */
public final class CounterValues {
    private CounterValues() {}

    public static Counters.Snapshot of(Map<Abi.Counter, Long> values) {
        return Counters.Snapshot.of(values);
    }

    /** Puts pairs (a counter, its value, a counter, ...) into counts. */
    static void put(Map<Abi.Counter, Long> counts, Object... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            counts.put((Abi.Counter) pairs[i], ((Number) pairs[i + 1]).longValue());
        }
    }

    /** Every counter changed in delta by what expected says, 0 where it says nothing. */
    static void assertChanges(Map<Abi.Counter, Long> expected, Counters.Snapshot delta) {
        for (Abi.Counter c : Abi.Counter.values()) {
            assertEquals(expected.getOrDefault(c, 0L), delta.get(c), "counter " + c + " (all changes: " + delta + ")");
        }
    }
}

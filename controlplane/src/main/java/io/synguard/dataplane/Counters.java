package io.synguard.dataplane;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.Cpus;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** The data plane's per-CPU counters ({@code sg_counters}), summed over CPUs. */
public final class Counters {
    private final BpfMap map;

    Counters(BpfMap map) {
        this.map = map;
    }

    /** One consistent-enough reading: each CPU's counters are read at once, the CPUs one after another. */
    public Snapshot read() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(JAVA_INT, 0);
            MemorySegment values = map.allocateValue(arena);
            map.lookup(key, values);
            long[] sums = new long[Abi.Counter.values().length];
            for (int cpu = 0; cpu < Cpus.possible(); cpu++) {
                long base = cpu * map.valueSlot();
                for (int i = 0; i < sums.length; i++) {
                    sums[i] += values.get(JAVA_LONG, base + 8L * i);
                }
            }
            return new Snapshot(sums);
        }
    }

    /** Counter values, summed over CPUs. */
    public static final class Snapshot {
        private final long[] values;

        Snapshot(long[] values) {
            this.values = values;
        }

        /** Counter values made up, as a replay or a test of what reads them needs; the others 0. */
        public static Snapshot of(Map<Abi.Counter, Long> values) {
            long[] all = new long[Abi.Counter.values().length];
            values.forEach((c, v) -> all[c.id()] = v);
            return new Snapshot(all);
        }

        public long get(Abi.Counter counter) {
            return values[counter.id()];
        }

        /** What was counted between earlier and this. */
        public Snapshot since(Snapshot earlier) {
            long[] d = new long[values.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = values[i] - earlier.values[i];
            }
            return new Snapshot(d);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("{");
            for (Abi.Counter c : Abi.Counter.values()) {
                if (values[c.id()] != 0) {
                    sb.append(sb.length() > 1 ? ", " : "").append(c.name().toLowerCase()).append('=').append(values[c.id()]);
                }
            }
            return sb.append('}').toString();
        }
    }
}

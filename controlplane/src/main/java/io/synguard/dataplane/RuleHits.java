package io.synguard.dataplane;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The rule table's hit counters ({@code sg_rule_hits}, mmap-ed): one stripe of the table's size per
 * possible CPU, CPU c's count for slot s at c * slots + s, which the data plane adds to without an
 * atomic. A rule's hits are the sum of its slot across the stripes.
 */
final class RuleHits {
    private static final long COUNTER = JAVA_LONG.byteSize();
    private static final VarHandle COUNT = JAVA_LONG.varHandle();

    private final MemorySegment counters;
    private final int slots;
    private final int stripes;

    RuleHits(MemorySegment counters, int slots) {
        long stripes = counters.byteSize() / COUNTER / slots;
        if (stripes < 1 || stripes * slots * COUNTER != counters.byteSize()) {
            throw new IllegalArgumentException("sg_rule_hits of " + counters.byteSize() + " bytes holds no whole stripes of "
                    + slots + " slots");
        }
        this.counters = counters;
        this.slots = slots;
        this.stripes = (int) stripes;
    }

    /** SYNs the rule in slot matched, on every CPU. */
    long sum(int slot) {
        long sum = 0;
        for (int cpu = 0; cpu < stripes; cpu++) {
            sum += (long) COUNT.getOpaque(counters, offset(cpu, slot));
        }
        return sum;
    }

    /** Zeroes slot on every CPU, for a rule that takes it. */
    void clear(int slot) {
        for (int cpu = 0; cpu < stripes; cpu++) {
            COUNT.setOpaque(counters, offset(cpu, slot), 0L);
        }
    }

    private long offset(int cpu, int slot) {
        return ((long) cpu * slots + slot) * COUNTER;
    }
}

package io.synguard.dataplane;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The CPUs' share of the rule table's hits ({@code sg_rule_hits}, mmap-ed; the ABI header explains
 * it): a stripe per possible CPU of one byte per slot, {@link Abi#HIT_LINE} slots to an element,
 * which each CPU adds to without an atomic, moving 256 into the slot's own count whenever a byte
 * would pass 255. A reader may see a byte's 256 in both places, or in neither, for an instant.
 */
final class RuleHits {
    private static final VarHandle COUNT = JAVA_BYTE.varHandle();

    private final MemorySegment counters;
    private final long stripe;
    private final int stripes;

    RuleHits(MemorySegment counters, int slots) {
        this.stripe = (long) lines(slots) * Abi.HIT_LINE;
        long stripes = counters.byteSize() / stripe;
        if (stripes < 1 || stripes * stripe != counters.byteSize()) {
            throw new IllegalArgumentException("sg_rule_hits of " + counters.byteSize() + " bytes holds no whole "
                    + "stripes of " + stripe);
        }
        this.counters = counters;
        this.stripes = (int) stripes;
    }

    /** Elements of sg_rule_hits a CPU's stripe takes for a table of slots (a power of two). */
    static int lines(int slots) {
        return (slots + Abi.HIT_LINE - 1) / Abi.HIT_LINE;
    }

    /** What the CPUs have counted for slot and not yet moved into it. */
    long sum(int slot) {
        long sum = 0;
        for (int cpu = 0; cpu < stripes; cpu++) {
            sum += Byte.toUnsignedLong((byte) COUNT.getOpaque(counters, cpu * stripe + slot));
        }
        return sum;
    }

    /** Zeroes slot on every CPU, for a rule that takes it. */
    void clear(int slot) {
        for (int cpu = 0; cpu < stripes; cpu++) {
            COUNT.setOpaque(counters, cpu * stripe + slot, (byte) 0);
        }
    }
}

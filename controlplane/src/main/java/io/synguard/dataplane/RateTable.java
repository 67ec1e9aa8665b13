package io.synguard.dataplane;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.Cpus;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * The rate limiter's per-CPU tables ({@code sg_rate}): which sources each CPU tracks, summed per
 * source over the CPUs.
 */
public final class RateTable {
    private static final long ENTRY = Abi.RATE_ENTRY.byteSize();
    private static final long ADDR = Abi.offset(Abi.RATE_ENTRY, "addr");
    private static final VarHandle TAT = Abi.field(Abi.RATE_ENTRY, "tat_ns");
    private static final VarHandle SYNS = Abi.field(Abi.RATE_ENTRY, "syns");
    private static final VarHandle DROPS = Abi.field(Abi.RATE_ENTRY, "drops");
    private static final int BATCH_SETS = 256;
    /** Half an address, in network byte order. */
    private static final ValueLayout.OfLong HALF = JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final BpfMap map;
    /** Entries the last read found (a source seen on several CPUs is one per CPU): what the next one makes room for. */
    private int lastRead;

    RateTable(BpfMap map) {
        this.map = map;
    }

    /** Sources one CPU's table can hold. */
    public int capacityPerCpu() {
        return map.info().maxEntries() * Abi.RATE_WAYS;
    }

    /**
     * Every tracked source with its SYN and drop counts since admission, summed over CPUs in
     * {@link AddressCounts}: columns of primitives, no object per source, so that a read of 2^20
     * sources makes no garbage to speak of. A source's home there is its set, the same on every CPU
     * and at every read: the entries, copied out set after set, then go into a table sized for them
     * all one after another, each near the one before, not each to a random place. (Put in while the
     * table grows, they would crowd its first slots: the table must be sized first.)
     */
    public AddressCounts read() {
        Entries entries = new Entries(lastRead);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(4L * BATCH_SETS, 8);
            MemorySegment values = arena.allocate(map.valueBufferSize() * BATCH_SETS, 8);
            int cpus = Cpus.possible();
            long size = map.valueBufferSize();
            long slot = map.valueSlot();
            int setBits = Integer.numberOfTrailingZeros(map.info().maxEntries());
            map.lookupAll(keys, values, BATCH_SETS, count -> {
                for (int i = 0; i < count; i++) {
                    int home = (int) ((Integer.toUnsignedLong(keys.get(JAVA_INT, 4L * i)) << 32) >>> setBits);
                    for (int cpu = 0; cpu < cpus; cpu++) {
                        long set = i * size + cpu * slot;
                        for (int way = 0; way < Abi.RATE_WAYS; way++) {
                            long entry = set + way * ENTRY;
                            if ((long) TAT.get(values, entry) != 0) {
                                entries.add(home, values.get(HALF, entry + ADDR), values.get(HALF, entry + ADDR + 8),
                                        Integer.toUnsignedLong((int) SYNS.get(values, entry)),
                                        Integer.toUnsignedLong((int) DROPS.get(values, entry)));
                            }
                        }
                    }
                }
            });
        }
        lastRead = entries.n;
        return entries.summed();
    }

    /** The entries a read found, in the order found, each CPU's apart: home, address, SYNs, drops. */
    private static final class Entries {
        private static final int STRIDE = 5;
        private long[] e;
        private int n;

        Entries(int expected) {
            e = new long[Math.max(16, expected) * STRIDE];
        }

        void add(int home, long hi, long lo, long syns, long drops) {
            if ((n + 1) * STRIDE > e.length) {
                e = Arrays.copyOf(e, e.length * 2);
            }
            int at = n++ * STRIDE;
            e[at] = home;
            e[at + 1] = hi;
            e[at + 2] = lo;
            e[at + 3] = syns;
            e[at + 4] = drops;
        }

        /** The entries summed per source over the CPUs, in a table sized for them all. */
        AddressCounts summed() {
            AddressCounts sums = new AddressCounts(n);
            for (int at = 0; at < n * STRIDE; at += STRIDE) {
                sums.add((int) e[at], e[at + 1], e[at + 2], e[at + 3], e[at + 4], 1);
            }
            return sums;
        }
    }

    /**
     * @param address the source
     * @param syns    SYNs counted since it was admitted (each CPU's count wraps at 2^32)
     * @param drops   of which the limiter dropped
     * @param cpus    how many CPUs track it
     */
    public record Source(InetAddress address, long syns, long drops, int cpus) {}
}

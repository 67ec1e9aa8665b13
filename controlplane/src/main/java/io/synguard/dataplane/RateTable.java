package io.synguard.dataplane;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.Cpus;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.nio.ByteOrder;

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
    /** Sources the last read found: what the next one makes room for. */
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
     * {@link AddressCounts} sized for the previous read: columns of primitives, no object per source,
     * so that a read of 2^20 sources makes no garbage to speak of.
     */
    public AddressCounts read() {
        AddressCounts sums = new AddressCounts(lastRead);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(4L * BATCH_SETS, 8);
            MemorySegment values = arena.allocate(map.valueBufferSize() * BATCH_SETS, 8);
            int cpus = Cpus.possible();
            long size = map.valueBufferSize();
            long slot = map.valueSlot();
            map.lookupAll(keys, values, BATCH_SETS, count -> {
                for (int i = 0; i < count; i++) {
                    for (int cpu = 0; cpu < cpus; cpu++) {
                        long set = i * size + cpu * slot;
                        for (int way = 0; way < Abi.RATE_WAYS; way++) {
                            long entry = set + way * ENTRY;
                            if ((long) TAT.get(values, entry) != 0) {
                                sums.add(values.get(HALF, entry + ADDR), values.get(HALF, entry + ADDR + 8),
                                        Integer.toUnsignedLong((int) SYNS.get(values, entry)),
                                        Integer.toUnsignedLong((int) DROPS.get(values, entry)), 1);
                            }
                        }
                    }
                }
            });
        }
        lastRead = sums.size();
        return sums;
    }

    /**
     * @param address the source
     * @param syns    SYNs counted since it was admitted (each CPU's count wraps at 2^32)
     * @param drops   of which the limiter dropped
     * @param cpus    how many CPUs track it
     */
    public record Source(InetAddress address, long syns, long drops, int cpus) {}
}

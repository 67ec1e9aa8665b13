package io.synguard.dataplane;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.Cpus;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

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

    private final BpfMap map;

    RateTable(BpfMap map) {
        this.map = map;
    }

    /** Sources one CPU's table can hold. */
    public int capacityPerCpu() {
        return map.info().maxEntries() * Abi.RATE_WAYS;
    }

    /** Every tracked source with its SYN and drop counts since admission, summed over CPUs. */
    public List<Source> read() {
        Map<InetAddress, long[]> sums = new HashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(4L * BATCH_SETS, 8);
            MemorySegment values = arena.allocate(map.valueBufferSize() * BATCH_SETS, 8);
            map.lookupAll(keys, values, BATCH_SETS, count -> {
                for (int i = 0; i < count; i++) {
                    for (int cpu = 0; cpu < Cpus.possible(); cpu++) {
                        long set = i * map.valueBufferSize() + cpu * map.valueSlot();
                        for (int way = 0; way < Abi.RATE_WAYS; way++) {
                            add(sums, values, set + way * ENTRY);
                        }
                    }
                }
            });
        }
        List<Source> sources = new ArrayList<>(sums.size());
        sums.forEach((address, s) -> sources.add(new Source(address, s[0], s[1], (int) s[2])));
        return sources;
    }

    private static void add(Map<InetAddress, long[]> sums, MemorySegment values, long entry) {
        if ((long) TAT.get(values, entry) == 0) {
            return;
        }
        byte[] addr = values.asSlice(entry + ADDR, 16).toArray(JAVA_BYTE);
        InetAddress address;
        try {
            address = InetAddress.getByAddress(addr); // ::ffff:a.b.c.d comes back as IPv4
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an address", e);
        }
        long[] s = sums.computeIfAbsent(address, a -> new long[3]);
        s[0] += Integer.toUnsignedLong((int) SYNS.get(values, entry));
        s[1] += Integer.toUnsignedLong((int) DROPS.get(values, entry));
        s[2]++;
    }

    /**
     * @param address the source
     * @param syns    SYNs counted since it was admitted (each CPU's count wraps at 2^32)
     * @param drops   of which the limiter dropped
     * @param cpus    how many CPUs track it
     */
    public record Source(InetAddress address, long syns, long drops, int cpus) {}
}

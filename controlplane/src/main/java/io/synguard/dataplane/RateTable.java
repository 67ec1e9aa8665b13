package io.synguard.dataplane;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.Cpus;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

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

    RateTable(BpfMap map) {
        this.map = map;
    }

    /** Sources one CPU's table can hold. */
    public int capacityPerCpu() {
        return map.info().maxEntries() * Abi.RATE_WAYS;
    }

    /**
     * Every tracked source with its SYN and drop counts since admission, summed over CPUs. The sums
     * are keyed by the address's two halves in an open-addressed table, and each source's
     * InetAddress is made once, at the end: 2^20 sources on every CPU read in tens of milliseconds.
     */
    public List<Source> read() {
        Sums sums = new Sums(1024);
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
                                        Integer.toUnsignedLong((int) DROPS.get(values, entry)));
                            }
                        }
                    }
                }
            });
        }
        return sums.sources();
    }

    /**
     * @param address the source
     * @param syns    SYNs counted since it was admitted (each CPU's count wraps at 2^32)
     * @param drops   of which the limiter dropped
     * @param cpus    how many CPUs track it
     */
    public record Source(InetAddress address, long syns, long drops, int cpus) {}

    /** Counts summed per address, the address kept as its two big-endian halves; grows by doubling. */
    private static final class Sums {
        private long[] high;
        private long[] low;
        private long[] syns;
        private long[] drops;
        private int[] cpus;
        private boolean[] used;
        private int size;

        Sums(int capacity) {
            allocate(capacity);
        }

        private void allocate(int capacity) {
            high = new long[capacity];
            low = new long[capacity];
            syns = new long[capacity];
            drops = new long[capacity];
            cpus = new int[capacity];
            used = new boolean[capacity];
            size = 0;
        }

        /** Adds one CPU's counts of an address. */
        void add(long hi, long lo, long syn, long drop) {
            if (size * 2 >= used.length) {
                grow();
            }
            put(hi, lo, syn, drop, 1);
        }

        private void put(long hi, long lo, long syn, long drop, int cpu) {
            int mask = used.length - 1;
            int i = (int) ((hi * 0x9e3779b97f4a7c15L + lo) * 0xc2b2ae3d27d4eb4fL >>> 33) & mask;
            while (used[i] && (high[i] != hi || low[i] != lo)) {
                i = (i + 1) & mask;
            }
            if (!used[i]) {
                used[i] = true;
                high[i] = hi;
                low[i] = lo;
                size++;
            }
            syns[i] += syn;
            drops[i] += drop;
            cpus[i] += cpu;
        }

        private void grow() {
            long[] h = high;
            long[] l = low;
            long[] s = syns;
            long[] d = drops;
            int[] c = cpus;
            boolean[] u = used;
            allocate(u.length * 2);
            for (int i = 0; i < u.length; i++) {
                if (u[i]) {
                    put(h[i], l[i], s[i], d[i], c[i]);
                }
            }
        }

        List<Source> sources() {
            List<Source> sources = new ArrayList<>(size);
            for (int i = 0; i < used.length; i++) {
                if (used[i]) {
                    sources.add(new Source(address(high[i], low[i]), syns[i], drops[i], cpus[i]));
                }
            }
            return sources;
        }

        /** The address; ::ffff:a.b.c.d as IPv4. */
        private static InetAddress address(long hi, long lo) {
            try {
                if (hi == 0 && (lo >>> 32) == 0xffffL) {
                    int v4 = (int) lo;
                    return InetAddress.getByAddress(new byte[]{(byte) (v4 >>> 24), (byte) (v4 >>> 16),
                            (byte) (v4 >>> 8), (byte) v4});
                }
                return InetAddress.getByAddress(ByteBuffer.allocate(16).putLong(hi).putLong(lo).array());
            } catch (UnknownHostException e) {
                throw new IllegalStateException("4 and 16 bytes are always an address", e);
            }
        }
    }
}

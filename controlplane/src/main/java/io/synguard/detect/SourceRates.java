package io.synguard.detect;

import io.synguard.dataplane.AddressCounts;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * Per-source SYN and drop rates from successive reads of the rate table, whose counts run from a
 * source's admission: the difference between two reads over the time between them. A source that
 * came back after eviction, its counts restarted, counts from zero. A tick of 2^20 sources makes no
 * object per source: reads and rates are columns of primitives, a source's objects made only for
 * those asked for one by one (the top of the list, the sources blocked).
 */
public final class SourceRates {
    /** The previous read, kept as it came: no map entry and no object kept a source. */
    private AddressCounts previous = new AddressCounts(0);
    private Instant previousAt;

    /** Takes a read of the table made at at; the rates since the previous read, highest SYN rate first. */
    public Rates update(Instant at, AddressCounts read) {
        double seconds = previousAt == null ? 0 : Math.max(1e-3, Duration.between(previousAt, at).toNanos() / 1e9);
        boolean first = previousAt == null;
        previousAt = at;
        AddressCounts before = previous;
        previous = read;
        if (first) {
            return Rates.NONE;
        }
        // in the order read: the addresses, copied out as they are read, so that putting them in order
        // reads these arrays, not the table again
        long[] highs = new long[read.size()];
        long[] lows = new long[read.size()];
        long[] syns = new long[read.size()];
        long[] drops = new long[read.size()];
        long[] keys = new long[read.size()];
        // a sort key: the SYNs (capped where they would not fit: 2^37 and more for 2^26 sources), then
        // the position, so that the highest come first and ties in the order read
        int positionBits = 32 - Integer.numberOfLeadingZeros(Math.max(1, read.size()));
        long maxSyns = (1L << (63 - positionBits)) - 1;
        int n = 0;
        for (int slot = 0; slot < read.capacity(); slot++) {
            if (!read.holds(slot)) {
                continue;
            }
            long s = read.syns(slot);
            long d = read.drops(slot);
            long hi = read.highAt(slot);
            long lo = read.lowAt(slot);
            int b = previousSlot(before, hi, lo, read.homeAt(slot), slot);
            if (b >= 0 && before.syns(b) <= s) {
                s -= before.syns(b);
            }
            if (b >= 0 && before.drops(b) <= d) {
                d -= before.drops(b);
            }
            if (s > 0 || d > 0) {
                highs[n] = hi;
                lows[n] = lo;
                syns[n] = s;
                drops[n] = d;
                keys[n] = (maxSyns - Math.min(s, maxSyns)) << positionBits | n;
                n++;
            }
        }
        Arrays.sort(keys, 0, n);
        long[] high = new long[n];
        long[] low = new long[n];
        double[] synPps = new double[n];
        double[] droppedPps = new double[n];
        for (int i = 0; i < n; i++) {
            int p = (int) (keys[i] & ((1L << positionBits) - 1));
            high[i] = highs[p];
            low[i] = lows[p];
            synPps[i] = syns[p] / seconds;
            droppedPps[i] = drops[p] / seconds;
        }
        return new Rates(high, low, synPps, droppedPps);
    }

    /**
     * Where the previous read holds a source this one holds in slot, or -1: first the same slot, where
     * a source read again in the same order is (the two tables then walked side by side), else
     * wherever its home leads.
     */
    private static int previousSlot(AddressCounts before, long hi, long lo, int home, int slot) {
        if (slot < before.capacity() && before.holds(slot) && before.highAt(slot) == hi && before.lowAt(slot) == lo) {
            return slot;
        }
        return before.find(home, hi, lo);
    }

    /**
     * @param address    the source
     * @param synPps     its SYNs a second
     * @param droppedPps of which the rate limiter dropped
     */
    public record SourceRate(InetAddress address, double synPps, double droppedPps) {}

    /**
     * One interval's per-source rates as columns, highest SYN rate first; as a list, each element made
     * when asked for. Addresses are kept as {@link AddressCounts} keys them.
     */
    public static final class Rates extends AbstractList<SourceRate> implements RandomAccess {
        static final Rates NONE = new Rates(new long[0], new long[0], new double[0], new double[0]);

        private final long[] high;
        private final long[] low;
        private final double[] synPps;
        private final double[] droppedPps;

        private Rates(long[] high, long[] low, double[] synPps, double[] droppedPps) {
            this.high = high;
            this.low = low;
            this.synPps = synPps;
            this.droppedPps = droppedPps;
        }

        /** These rates as columns: the list itself when it is one already. */
        static Rates of(List<SourceRate> rates) {
            if (rates instanceof Rates r) {
                return r;
            }
            int n = rates.size();
            Rates r = new Rates(new long[n], new long[n], new double[n], new double[n]);
            for (int i = 0; i < n; i++) {
                SourceRate s = rates.get(i);
                byte[] a = s.address().getAddress();
                r.high[i] = AddressCounts.high(a);
                r.low[i] = AddressCounts.low(a);
                r.synPps[i] = s.synPps();
                r.droppedPps[i] = s.droppedPps();
            }
            return r;
        }

        @Override
        public SourceRate get(int i) {
            return new SourceRate(address(i), synPps[i], droppedPps[i]);
        }

        @Override
        public int size() {
            return synPps.length;
        }

        InetAddress address(int i) {
            return AddressCounts.address(high[i], low[i]);
        }

        long high(int i) {
            return high[i];
        }

        long low(int i) {
            return low[i];
        }

        double synPps(int i) {
            return synPps[i];
        }

        double droppedPps(int i) {
            return droppedPps[i];
        }

        /** The SYN rates summed, as a stream of them would sum them. */
        double synPpsSum() {
            return Arrays.stream(synPps).sum();
        }
    }
}

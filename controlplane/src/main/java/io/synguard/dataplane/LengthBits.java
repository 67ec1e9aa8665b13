package io.synguard.dataplane;

import io.synguard.net.Family;
import io.synguard.net.Prefix;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The bits that lead the data plane to rules (rules.h): per IPv4 /16 in {@code sg_t16}, the
 * lengths from /17 to /32 that occur inside it and the longest rule of /16 or shorter covering it;
 * for IPv6, the lengths in use ({@code sg_config.v6_lens}). Written from counts of the rules per
 * length and per /16, when the first rule of a kind of bit comes or the last goes; the caller puts
 * a rule in the table before counting it in, and counts it out before it leaves. Not thread-safe.
 */
final class LengthBits {
    static final int T16_ENTRIES = 1 << 16;

    private static final long V6_LENS = Abi.offset(Abi.CONFIG, "v6_lens");
    private static final VarHandle LONG = JAVA_LONG.varHandle();

    private final MemorySegment t16;
    private final MemorySegment config;
    /** IPv4 rules of each length 17..32 inside each /16, at (/16 << 4) | (32 - length). */
    private final int[] longCounts = new int[T16_ENTRIES * 16];
    /** IPv4 rules of length <= 16, by length << 16 | their top bits. */
    private final Map<Integer, Integer> shortCounts = new HashMap<>();
    /** Rules of each length, per family. */
    private final int[] v4Lengths = new int[33];
    private final int[] v6Lengths = new int[129];

    LengthBits(MemorySegment t16, MemorySegment config) {
        this.t16 = t16;
        this.config = config;
    }

    /** A rule of prefix came (delta 1) or goes (delta -1). */
    void count(Prefix prefix, int delta) {
        count(prefix, delta, true);
    }

    /** Counts a rule in without writing a bit: {@link #rewrite} writes them all once the counting is done. */
    void countQuietly(Prefix prefix) {
        count(prefix, 1, false);
    }

    /** Rewrites every bit from the counts, whatever the maps held. */
    void rewrite() {
        for (int i = 0; i < T16_ENTRIES; i++) {
            writeT16(i);
        }
        for (int w = 0; w < 3; w++) {
            LONG.setRelease(config, V6_LENS + w * 8L, 0L);
        }
        for (int length = 0; length <= 128; length++) {
            if (v6Lengths[length] > 0) {
                writeV6Length(length, true);
            }
        }
    }

    /** Whether some rule, of either kind, has prefix's family and this length. */
    boolean inUse(Family family, int length) {
        return (family == Family.V4 ? v4Lengths : v6Lengths)[length] > 0;
    }

    private void count(Prefix prefix, int delta, boolean write) {
        int length = prefix.length();
        int edge = delta > 0 ? 1 : 0; // the count at which a bit changes: the first rule came, the last went
        if (prefix.family() == Family.V6) {
            v6Lengths[length] += delta;
            if (write && v6Lengths[length] == edge) {
                writeV6Length(length, delta > 0);
            }
            return;
        }
        v4Lengths[length] += delta;
        int slash16 = slash16(prefix);
        if (length > 16) {
            int at = slash16 << 4 | (32 - length);
            longCounts[at] += delta;
            if (write && longCounts[at] == edge) {
                writeT16(slash16);
            }
            return;
        }
        int top = slash16 >>> (16 - length);
        int n = shortCounts.merge(length << 16 | top, delta, Integer::sum);
        if (n == 0) {
            shortCounts.remove(length << 16 | top);
        }
        if (write && n == edge) {
            int first = top << (16 - length);
            for (int i = 0; i < 1 << (16 - length); i++) {
                writeT16(first + i);
            }
        }
    }

    private void writeT16(int slash16) {
        int longs = 0;
        for (int i = 0; i < 16; i++) {
            if (longCounts[slash16 << 4 | i] > 0) {
                longs |= 1 << i;
            }
        }
        int shortest = 0;
        for (int length = 16; length >= 0; length--) {
            if (v4Lengths[length] > 0 && shortCounts.containsKey(length << 16 | slash16 >>> (16 - length))) {
                shortest = length + 1;
                break;
            }
        }
        LONG.setRelease(t16, slash16 * 8L, (long) (shortest << Abi.T16_SHORT_SHIFT | longs));
    }

    private void writeV6Length(int length, boolean present) {
        int bit = 128 - length;
        long offset = V6_LENS + (bit / 64) * 8L;
        long word = (long) LONG.getAcquire(config, offset);
        LONG.setRelease(config, offset, present ? word | 1L << (bit % 64) : word & ~(1L << (bit % 64)));
    }

    private static int slash16(Prefix prefix) {
        byte[] a = prefix.address();
        return (a[0] & 0xff) << 8 | (a[1] & 0xff);
    }
}

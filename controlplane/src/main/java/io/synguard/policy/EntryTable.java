package io.synguard.policy;

import io.synguard.dataplane.RuleKind;
import io.synguard.net.Family;
import io.synguard.net.Prefix;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The entries of one list, packed in columns with no object per entry: a million blocks take ~50 MB
 * here, where an {@link Entry} each in a hash map took ~150 (its prefix, address array, two
 * instants and the map's node). An {@link Entry} is made when one is asked for. The key of an entry
 * is its prefix as two longs (the address's first and last eight bytes; IPv4 in the top of the
 * first) and a shape (family and length). Columns are dense, [0, size); an open-addressed index
 * (linear probing, no tombstones) maps keys to positions. Not thread-safe.
 */
final class EntryTable {
    /** The expiry of an entry that never lapses. */
    static final long NEVER = Long.MIN_VALUE;
    private static final int V6 = 1 << 8;
    private static final Origin[] ORIGINS = Origin.values();

    private final RuleKind kind;
    private long[] high = new long[8];
    private long[] low = new long[8];
    private int[] shape = new int[8];
    private byte[] origin = new byte[8];
    /** Epoch nanoseconds. */
    private long[] created = new long[8];
    /** Epoch nanoseconds, or {@link #NEVER}. */
    private long[] expires = new long[8];
    private String[] reason = new String[8];
    private String[] host = new String[8];
    private int size;
    /** Position + 1 of the entry whose key probes here first or after; 0 for an empty slot. */
    private int[] index = new int[16];

    EntryTable(RuleKind kind) {
        this.kind = kind;
    }

    int size() {
        return size;
    }

    /** The entry of prefix; null if none. */
    Entry get(Prefix prefix) {
        int at = find(high(prefix), low(prefix), shape(prefix));
        return at < 0 ? null : entryAt(at);
    }

    /** Holds e in place of the entry of its prefix; that entry, or null. */
    Entry put(Entry e) {
        long hi = high(e.prefix());
        long lo = low(e.prefix());
        int sh = shape(e.prefix());
        int at = find(hi, lo, sh);
        Entry before = at < 0 ? null : entryAt(at);
        if (at < 0) {
            at = append(hi, lo, sh);
        }
        origin[at] = (byte) e.origin().ordinal();
        created[at] = nanos(e.created());
        expires[at] = e.expires() == null ? NEVER : nanos(e.expires());
        reason[at] = e.reason();
        host[at] = e.host();
        return before;
    }

    /** Stops holding the entry of prefix; that entry, or null. */
    Entry remove(Prefix prefix) {
        return removeKey(high(prefix), low(prefix), shape(prefix));
    }

    /** Stops holding the entry of a key if it lapses at expiresNanos; that entry, or null. */
    Entry removeIfExpiring(long hi, long lo, int sh, long expiresNanos) {
        int at = find(hi, lo, sh);
        return at < 0 || expires[at] != expiresNanos ? null : removeKey(hi, lo, sh);
    }

    /** Visits every entry, made as asked for. */
    void forEach(Consumer<Entry> visitor) {
        for (int i = 0; i < size; i++) {
            visitor.accept(entryAt(i));
        }
    }

    /** Every entry, made as the stream reaches it. */
    Stream<Entry> stream() {
        return IntStream.range(0, size).mapToObj(this::entryAt);
    }

    /** Counts the entries that have not lapsed at now into counts, by origin. */
    void countLive(long nowNanos, Map<Origin, Long> counts) {
        long[] byOrigin = new long[ORIGINS.length];
        for (int i = 0; i < size; i++) {
            if (expires[i] == NEVER || expires[i] > nowNanos) {
                byOrigin[origin[i]]++;
            }
        }
        for (Origin o : ORIGINS) {
            if (byOrigin[o.ordinal()] > 0) {
                counts.merge(o, byOrigin[o.ordinal()], Long::sum);
            }
        }
    }

    /** A copy of the entries as they are now, for reading while this one changes. */
    EntryTable copy() {
        EntryTable c = new EntryTable(kind);
        c.high = Arrays.copyOf(high, size);
        c.low = Arrays.copyOf(low, size);
        c.shape = Arrays.copyOf(shape, size);
        c.origin = Arrays.copyOf(origin, size);
        c.created = Arrays.copyOf(created, size);
        c.expires = Arrays.copyOf(expires, size);
        c.reason = Arrays.copyOf(reason, size);
        c.host = Arrays.copyOf(host, size);
        c.size = size;
        c.index = null; // a copy is only read in order
        return c;
    }

    /** A copy of the IPv4 keys as {@code address << 8 | length}, sorted: {@link Prefix}'s order. */
    long[] sortedV4() {
        long[] keys = new long[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if ((shape[i] & V6) == 0) {
                keys[n++] = high[i] >>> 24 | shape[i];
            }
        }
        keys = Arrays.copyOf(keys, n);
        Arrays.sort(keys);
        return keys;
    }

    /** The IPv6 prefixes, sorted. */
    Prefix[] sortedV6() {
        Prefix[] v6 = new Prefix[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if ((shape[i] & V6) != 0) {
                v6[n++] = prefixAt(i);
            }
        }
        v6 = Arrays.copyOf(v6, n);
        Arrays.sort(v6);
        return v6;
    }

    /** The IPv4 prefix of a key {@link #sortedV4} gave. */
    static Prefix v4(long key) {
        int address = (int) (key >>> 8);
        byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        return Prefix.of(Family.V4, bytes, (int) (key & 0xff));
    }

    // ---- keys ---------------------------------------------------------------------------------

    static long high(Prefix p) {
        return word(p.address(), 0);
    }

    static long low(Prefix p) {
        return word(p.address(), 8);
    }

    static int shape(Prefix p) {
        return (p.family() == Family.V6 ? V6 : 0) | p.length();
    }

    /** Eight bytes of address from offset, big-endian, zeros past its end. */
    private static long word(byte[] address, int offset) {
        long w = 0;
        for (int i = 0; i < 8; i++) {
            int at = offset + i;
            w = w << 8 | (at < address.length ? address[at] & 0xff : 0);
        }
        return w;
    }

    static long nanos(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    // ---- columns and index --------------------------------------------------------------------

    private Entry entryAt(int at) {
        return new Entry(kind, prefixAt(at), ORIGINS[origin[at]], reason[at], instant(created[at]),
                expires[at] == NEVER ? null : instant(expires[at]), host[at]);
    }

    private Prefix prefixAt(int at) {
        Family family = (shape[at] & V6) != 0 ? Family.V6 : Family.V4;
        byte[] bytes = new byte[family.bytes()];
        for (int i = 0; i < bytes.length; i++) {
            long word = i < 8 ? high[at] : low[at];
            bytes[i] = (byte) (word >>> (56 - 8 * (i % 8)));
        }
        return Prefix.of(family, bytes, shape[at] & 0xff);
    }

    private int find(long hi, long lo, int sh) {
        int mask = index.length - 1;
        for (int slot = hash(hi, lo, sh) & mask; index[slot] != 0; slot = (slot + 1) & mask) {
            int at = index[slot] - 1;
            if (high[at] == hi && low[at] == lo && shape[at] == sh) {
                return at;
            }
        }
        return -1;
    }

    /** The slot that holds position at. */
    private int slotOf(int at) {
        int mask = index.length - 1;
        int slot = hash(high[at], low[at], shape[at]) & mask;
        while (index[slot] != at + 1) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private int append(long hi, long lo, int sh) {
        if (size == high.length) {
            int grown = size + (size >> 1) + 8;
            high = Arrays.copyOf(high, grown);
            low = Arrays.copyOf(low, grown);
            shape = Arrays.copyOf(shape, grown);
            origin = Arrays.copyOf(origin, grown);
            created = Arrays.copyOf(created, grown);
            expires = Arrays.copyOf(expires, grown);
            reason = Arrays.copyOf(reason, grown);
            host = Arrays.copyOf(host, grown);
        }
        int at = size++;
        high[at] = hi;
        low[at] = lo;
        shape[at] = sh;
        if (size * 2 > index.length) {
            reindex(index.length * 2);
        } else {
            place(at);
        }
        return at;
    }

    private Entry removeKey(long hi, long lo, int sh) {
        int at = find(hi, lo, sh);
        if (at < 0) {
            return null;
        }
        Entry before = entryAt(at);
        unplace(slotOf(at));
        int last = --size;
        if (at != last) {
            index[slotOf(last)] = at + 1;
            high[at] = high[last];
            low[at] = low[last];
            shape[at] = shape[last];
            origin[at] = origin[last];
            created[at] = created[last];
            expires[at] = expires[last];
            reason[at] = reason[last];
            host[at] = host[last];
        }
        reason[last] = null;
        host[last] = null;
        return before;
    }

    private void place(int at) {
        int mask = index.length - 1;
        int slot = hash(high[at], low[at], shape[at]) & mask;
        while (index[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        index[slot] = at + 1;
    }

    /** Empties a slot, shifting back the entries after it that would no longer be found. */
    private void unplace(int slot) {
        int mask = index.length - 1;
        for (int next = (slot + 1) & mask; index[next] != 0; next = (next + 1) & mask) {
            int at = index[next] - 1;
            int home = hash(high[at], low[at], shape[at]) & mask;
            // the entry at next may move to slot unless its home lies cyclically in (slot, next]
            boolean stays = slot <= next ? slot < home && home <= next : slot < home || home <= next;
            if (!stays) {
                index[slot] = index[next];
                slot = next;
            }
        }
        index[slot] = 0;
    }

    private void reindex(int slots) {
        index = new int[slots];
        for (int at = 0; at < size; at++) {
            place(at);
        }
    }

    private static int hash(long hi, long lo, int sh) {
        long h = hi * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(lo * 0xC2B2AE3D27D4EB4FL, 31) ^ sh;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (int) h;
    }
}

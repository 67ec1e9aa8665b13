package io.synguard.policy;

import io.synguard.dataplane.RuleKind;
import io.synguard.net.Family;
import io.synguard.net.Prefix;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The entries of one list, packed in columns with no object per entry: a million blocks take ~50 MB
 * here, where an {@link Entry} each in a hash map took ~150 (its prefix, address array, two
 * instants and the map's node). An {@link Entry} is made when one is asked for. The key of an entry
 * is its prefix as two longs (the address's first and last eight bytes; IPv4 in the top of the
 * first) and a shape (family and length). Columns are dense, [0, size), in pages of
 * {@value #PAGE} entries: they grow a page at a time, never copied, and no array is large enough for
 * the collector to treat apart (G1 gives an object of half a region or more regions of its own, and a
 * heap short of free runs of them collects in full). An open-addressed index (linear probing, no
 * tombstones) maps keys to positions. Not thread-safe.
 */
final class EntryTable {
    /** The expiry of an entry that never lapses. */
    static final long NEVER = Long.MIN_VALUE;
    private static final int PAGE_BITS = 12;
    static final int PAGE = 1 << PAGE_BITS;
    private static final int V6 = 1 << 8;
    private static final Origin[] ORIGINS = Origin.values();

    private final RuleKind kind;
    private Page[] pages = new Page[0];
    private int size;
    /** Position + 1 of the entry whose key probes here first or after; 0 for an empty slot. */
    private int[] index = new int[16];

    /** The columns of {@value #PAGE} entries. */
    private static final class Page {
        final long[] high = new long[PAGE];
        final long[] low = new long[PAGE];
        final int[] shape = new int[PAGE];
        final byte[] origin = new byte[PAGE];
        /** Epoch nanoseconds. */
        final long[] created = new long[PAGE];
        /** Epoch nanoseconds, or {@link #NEVER}. */
        final long[] expires = new long[PAGE];
        final String[] reason = new String[PAGE];
        final String[] host = new String[PAGE];

        Page copy() {
            Page c = new Page();
            System.arraycopy(high, 0, c.high, 0, PAGE);
            System.arraycopy(low, 0, c.low, 0, PAGE);
            System.arraycopy(shape, 0, c.shape, 0, PAGE);
            System.arraycopy(origin, 0, c.origin, 0, PAGE);
            System.arraycopy(created, 0, c.created, 0, PAGE);
            System.arraycopy(expires, 0, c.expires, 0, PAGE);
            System.arraycopy(reason, 0, c.reason, 0, PAGE);
            System.arraycopy(host, 0, c.host, 0, PAGE);
            return c;
        }

        /** Moves the entry at from (of page source) to at. */
        void take(int at, Page source, int from) {
            high[at] = source.high[from];
            low[at] = source.low[from];
            shape[at] = source.shape[from];
            origin[at] = source.origin[from];
            created[at] = source.created[from];
            expires[at] = source.expires[from];
            reason[at] = source.reason[from];
            host[at] = source.host[from];
            source.reason[from] = null;
            source.host[from] = null;
        }
    }

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
        Page page = pages[at >>> PAGE_BITS];
        int i = at & (PAGE - 1);
        page.origin[i] = (byte) e.origin().ordinal();
        page.created[i] = nanos(e.created());
        page.expires[i] = e.expires() == null ? NEVER : nanos(e.expires());
        page.reason[i] = e.reason();
        page.host[i] = e.host();
        return before;
    }

    /** Stops holding the entry of prefix; that entry, or null. */
    Entry remove(Prefix prefix) {
        return removeKey(high(prefix), low(prefix), shape(prefix));
    }

    /** Stops holding the entry of a key if it lapses at expiresNanos; that entry, or null. */
    Entry removeIfExpiring(long hi, long lo, int sh, long expiresNanos) {
        int at = find(hi, lo, sh);
        return at < 0 || pages[at >>> PAGE_BITS].expires[at & (PAGE - 1)] != expiresNanos ? null
                : removeKey(hi, lo, sh);
    }

    /** Visits every entry, made as asked for. */
    void forEach(Consumer<Entry> visitor) {
        for (int at = 0; at < size; at++) {
            visitor.accept(entryAt(at));
        }
    }

    /** Every entry, made as the stream reaches it. */
    Stream<Entry> stream() {
        return IntStream.range(0, size).mapToObj(this::entryAt);
    }

    /** Counts the entries that have not lapsed at now into counts, by origin. */
    void countLive(long nowNanos, Map<Origin, Long> counts) {
        long[] byOrigin = new long[ORIGINS.length];
        for (int at = 0; at < size; at++) {
            Page page = pages[at >>> PAGE_BITS];
            int i = at & (PAGE - 1);
            if (page.expires[i] == NEVER || page.expires[i] > nowNanos) {
                byOrigin[page.origin[i]]++;
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
        c.pages = new Page[(size + PAGE - 1) >>> PAGE_BITS];
        for (int p = 0; p < c.pages.length; p++) {
            c.pages[p] = pages[p].copy();
        }
        c.size = size;
        c.index = null; // a copy is only read in order
        return c;
    }

    /** A copy of the IPv4 keys as {@code address << 8 | length}, sorted: {@link Prefix}'s order. */
    long[] sortedV4() {
        long[] keys = new long[size];
        int n = 0;
        for (int at = 0; at < size; at++) {
            Page page = pages[at >>> PAGE_BITS];
            int i = at & (PAGE - 1);
            if ((page.shape[i] & V6) == 0) {
                keys[n++] = page.high[i] >>> 24 | page.shape[i];
            }
        }
        keys = Arrays.copyOf(keys, n);
        Arrays.sort(keys);
        return keys;
    }

    /** The IPv6 prefixes, sorted. */
    Prefix[] sortedV6() {
        List<Prefix> v6 = new ArrayList<>();
        for (int at = 0; at < size; at++) {
            if ((pages[at >>> PAGE_BITS].shape[at & (PAGE - 1)] & V6) != 0) {
                v6.add(prefixAt(at));
            }
        }
        Prefix[] sorted = v6.toArray(Prefix[]::new);
        Arrays.sort(sorted);
        return sorted;
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
        Page page = pages[at >>> PAGE_BITS];
        int i = at & (PAGE - 1);
        return new Entry(kind, prefixAt(at), ORIGINS[page.origin[i]], page.reason[i], instant(page.created[i]),
                page.expires[i] == NEVER ? null : instant(page.expires[i]), page.host[i]);
    }

    private Prefix prefixAt(int at) {
        Page page = pages[at >>> PAGE_BITS];
        int i = at & (PAGE - 1);
        Family family = (page.shape[i] & V6) != 0 ? Family.V6 : Family.V4;
        byte[] bytes = new byte[family.bytes()];
        for (int b = 0; b < bytes.length; b++) {
            long word = b < 8 ? page.high[i] : page.low[i];
            bytes[b] = (byte) (word >>> (56 - 8 * (b % 8)));
        }
        return Prefix.of(family, bytes, page.shape[i] & 0xff);
    }

    private int find(long hi, long lo, int sh) {
        int mask = index.length - 1;
        for (int slot = hash(hi, lo, sh) & mask; index[slot] != 0; slot = (slot + 1) & mask) {
            int at = index[slot] - 1;
            Page page = pages[at >>> PAGE_BITS];
            int i = at & (PAGE - 1);
            if (page.high[i] == hi && page.low[i] == lo && page.shape[i] == sh) {
                return at;
            }
        }
        return -1;
    }

    private int hashAt(int at) {
        Page page = pages[at >>> PAGE_BITS];
        int i = at & (PAGE - 1);
        return hash(page.high[i], page.low[i], page.shape[i]);
    }

    /** The slot that holds position at. */
    private int slotOf(int at) {
        int mask = index.length - 1;
        int slot = hashAt(at) & mask;
        while (index[slot] != at + 1) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private int append(long hi, long lo, int sh) {
        int at = size++;
        if (at >>> PAGE_BITS == pages.length) {
            pages = Arrays.copyOf(pages, pages.length + 1);
            pages[pages.length - 1] = new Page();
        }
        Page page = pages[at >>> PAGE_BITS];
        int i = at & (PAGE - 1);
        page.high[i] = hi;
        page.low[i] = lo;
        page.shape[i] = sh;
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
        Page lastPage = pages[last >>> PAGE_BITS];
        if (at != last) {
            index[slotOf(last)] = at + 1;
            pages[at >>> PAGE_BITS].take(at & (PAGE - 1), lastPage, last & (PAGE - 1));
        } else {
            lastPage.take(last & (PAGE - 1), lastPage, last & (PAGE - 1)); // lets go of its strings
        }
        if ((last & (PAGE - 1)) == 0) { // its last page is empty now
            pages = Arrays.copyOf(pages, pages.length - 1);
        }
        return before;
    }

    private void place(int at) {
        int mask = index.length - 1;
        int slot = hashAt(at) & mask;
        while (index[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        index[slot] = at + 1;
    }

    /** Empties a slot, shifting back the entries after it that would no longer be found. */
    private void unplace(int slot) {
        int mask = index.length - 1;
        for (int next = (slot + 1) & mask; index[next] != 0; next = (next + 1) & mask) {
            int home = hashAt(index[next] - 1) & mask;
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

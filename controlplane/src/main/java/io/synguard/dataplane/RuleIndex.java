package io.synguard.dataplane;

import io.synguard.net.Family;
import io.synguard.net.Prefix;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Writes the data plane's index of the allow- and blocklists (rules.h and the ABI header explain
 * it): the open-addressed table {@code sg_rules} and its per-CPU hit counters ({@link RuleHits}),
 * the per-/16 table {@code sg_t16}, and the index fields of {@code sg_config}. The XDP program reads the same memory while this writes it, so every
 * change goes in an order a reader can follow: an entry's fields before its serial, an entry
 * before the bits that lead to it, and the reverse when removing.
 *
 * <p>The table itself answers lookups; {@link LengthBits} keeps the bits that lead to rules, and
 * the blocks in address order ({@link BlockOrder}) say which covers an allow changes. Not thread-safe; its owner
 * serializes calls.
 */
final class RuleIndex {
    private static final long RULE_SIZE = Abi.RULE.byteSize();
    private static final long ADDR = Abi.offset(Abi.RULE, "addr");
    private static final VarHandle HITS = Abi.field(Abi.RULE, "hits");
    private static final VarHandle SERIAL = Abi.field(Abi.RULE, "serial");
    private static final VarHandle FAMILY = Abi.field(Abi.RULE, "family");
    private static final VarHandle PLEN = Abi.field(Abi.RULE, "plen");
    private static final VarHandle KIND = Abi.field(Abi.RULE, "kind");
    private static final VarHandle COVER = Abi.field(Abi.RULE, "cover");
    private static final VarHandle RULES_MASK = Abi.field(Abi.CONFIG, "rules_mask");
    private static final VarHandle RULES_SEED = Abi.field(Abi.CONFIG, "rules_seed");

    private final MemorySegment table;
    private final RuleHits hits;
    private final LengthBits bits;
    private final int mask;
    private final int seed;
    private final int capacity;

    private int live;
    private int tombstones;
    /** Allows of each length, per family. */
    private final int[] v4AllowLengths = new int[33];
    private final int[] v6AllowLengths = new int[129];
    /** The blocks in order, while no block came or went since it was read; else null. */
    private BlockOrder blocks;

    private RuleIndex(MemorySegment table, MemorySegment hits, MemorySegment t16, MemorySegment config, int mask,
                      int seed) {
        this.table = table;
        this.hits = new RuleHits(hits, mask + 1);
        this.bits = new LengthBits(t16, config);
        this.mask = mask;
        this.seed = seed;
        this.capacity = (mask + 1) / 2;
    }

    /** Starts an index over zeroed, freshly created maps, fixing its size and hash seed. */
    static RuleIndex create(MemorySegment table, MemorySegment hits, MemorySegment t16, MemorySegment config, int seed) {
        int slots = slots(table);
        RULES_MASK.setRelease(config, 0L, slots - 1);
        RULES_SEED.setRelease(config, 0L, seed);
        return new RuleIndex(table, hits, t16, config, slots - 1, seed);
    }

    /**
     * Takes over an index a previous run wrote: recounts it, and rewrites every derived bit (t16,
     * IPv6 lengths, covers) so that a run that died half-way through a change leaves nothing stale.
     */
    static RuleIndex open(MemorySegment table, MemorySegment hits, MemorySegment t16, MemorySegment config) {
        int slots = slots(table);
        int mask = (int) RULES_MASK.getAcquire(config, 0L);
        if (mask != slots - 1) {
            throw new IllegalStateException("sg_config says " + (mask + 1L) + " rule slots, sg_rules has " + slots);
        }
        RuleIndex index = new RuleIndex(table, hits, t16, config, mask, (int) RULES_SEED.getAcquire(config, 0L));
        index.recount();
        return index;
    }

    private static int slots(MemorySegment table) {
        long slots = table.byteSize() / RULE_SIZE;
        if (slots < 2 || Long.bitCount(slots) != 1 || slots > 1 << 30) {
            throw new IllegalArgumentException("rule table of " + slots + " slots: needs a power of two");
        }
        return (int) slots;
    }

    /** Rules the table takes at most: half its slots, so probe sequences stay short. */
    int capacity() {
        return capacity;
    }

    int size() {
        return live;
    }

    boolean contains(Prefix prefix, RuleKind kind) {
        return find(prefix, kind) >= 0;
    }

    /** SYNs the rule matched, or -1 when there is no such rule. */
    long hits(Prefix prefix, RuleKind kind) {
        int slot = find(prefix, kind);
        return slot < 0 ? -1 : hitsAt(slot);
    }

    /** The rule's serial, or {@link Abi#RULE_EMPTY} when there is no such rule. */
    int serial(Prefix prefix, RuleKind kind) {
        int slot = find(prefix, kind);
        return slot < 0 ? Abi.RULE_EMPTY : serialAt(slot);
    }

    /** The length of the longest rule of kind that contains prefix (or is prefix), or -1 for none. */
    int longestContaining(Prefix prefix, RuleKind kind) {
        return longest(prefix, kind, -1);
    }

    /** Indexes a rule that is not indexed yet. */
    void insert(Prefix prefix, RuleKind kind, int serial) {
        if (serial == Abi.RULE_EMPTY || serial == Abi.RULE_TOMBSTONE) {
            throw new IllegalArgumentException("reserved serial " + Integer.toUnsignedString(serial));
        }
        if (find(prefix, kind) >= 0) {
            throw new IllegalStateException(kind + " " + prefix + " is indexed already");
        }
        if (live >= capacity) {
            throw new RuleTableFullException("the rule table is full at " + capacity
                    + " rules; restart with a larger --max-rules");
        }
        int slot = freeSlot(prefix);
        boolean reuse = serialAt(slot) == Abi.RULE_TOMBSTONE;
        long base = slot * RULE_SIZE;
        MemorySegment.copy(keyOf(prefix), 0, table, base + ADDR, 16);
        HITS.set(table, base, 0L);
        hits.clear(slot);
        FAMILY.set(table, base, (byte) abiFamily(prefix));
        PLEN.set(table, base, (byte) prefix.length());
        KIND.set(table, base, (byte) kind.abi);
        COVER.set(table, base, (byte) (kind == RuleKind.BLOCK ? coverOf(prefix, -1) : 0));
        SERIAL.setRelease(table, base, serial);
        live++;
        if (reuse) {
            tombstones--;
        }
        if (kind == RuleKind.ALLOW) {
            allowLengths(prefix)[prefix.length()]++;
            recoverBlocksInside(prefix, -1);
        } else {
            blocks = null;
        }
        bits.count(prefix, 1);
    }

    /** Takes a rule out; false if it was not indexed. */
    boolean remove(Prefix prefix, RuleKind kind) {
        int slot = find(prefix, kind);
        if (slot < 0) {
            return false;
        }
        bits.count(prefix, -1);
        if (kind == RuleKind.ALLOW) {
            allowLengths(prefix)[prefix.length()]--;
            recoverBlocksInside(prefix, slot);
        } else {
            blocks = null;
        }
        SERIAL.setRelease(table, slot * RULE_SIZE, Abi.RULE_TOMBSTONE);
        live--;
        tombstones++;
        trimTombstones(slot);
        return true;
    }

    /** Visits every indexed rule. */
    void forEach(RuleVisitor visitor) {
        for (int slot = 0; slot <= mask; slot++) {
            int serial = serialAt(slot);
            if (serial != Abi.RULE_EMPTY && serial != Abi.RULE_TOMBSTONE) {
                visitor.visit(prefixAt(slot), kindAt(slot * RULE_SIZE), serial);
            }
        }
    }

    /** Receives one rule of the index. */
    @FunctionalInterface
    interface RuleVisitor {
        void visit(Prefix prefix, RuleKind kind, int serial);
    }

    // ---- the table ----------------------------------------------------------------------------

    /** The rule's slot, probing as the data plane does, or -1. */
    private int find(Prefix prefix, RuleKind kind) {
        return probe(abiFamily(prefix), prefix.length(), keyOf(prefix), kind.abi, -1);
    }

    /** As the data plane's sg_rule_find, skipping one slot (-1: none). */
    private int probe(int family, int length, MemorySegment addr, int kind, int skip) {
        int home = RuleHash.of(seed, family, length, addr);
        for (int i = 0; i < Abi.RULE_MAX_PROBE; i++) {
            int slot = (home + i) & mask;
            int serial = serialAt(slot);
            if (serial == Abi.RULE_EMPTY) {
                return -1;
            }
            long base = slot * RULE_SIZE;
            if (serial != Abi.RULE_TOMBSTONE && slot != skip
                    && (byte) FAMILY.get(table, base) == family
                    && ((byte) PLEN.get(table, base) & 0xff) == length
                    && (byte) KIND.get(table, base) == kind
                    && MemorySegment.mismatch(table, base + ADDR, base + ADDR + 16, addr, 0, 16) == -1) {
                return slot;
            }
        }
        return -1;
    }

    private int freeSlot(Prefix prefix) {
        int home = RuleHash.of(seed, abiFamily(prefix), prefix.length(), keyOf(prefix));
        for (int i = 0; i < Abi.RULE_MAX_PROBE; i++) {
            int slot = (home + i) & mask;
            int serial = serialAt(slot);
            if (serial == Abi.RULE_EMPTY || serial == Abi.RULE_TOMBSTONE) {
                return slot;
            }
        }
        throw new RuleTableFullException("no free slot within " + Abi.RULE_MAX_PROBE + " of " + prefix
                + "'s home; restart with a larger --max-rules");
    }

    /** Tombstones just before an empty slot end no probe sequence early: they can be empty. */
    private void trimTombstones(int slot) {
        if (serialAt((slot + 1) & mask) != Abi.RULE_EMPTY) {
            return;
        }
        for (int s = slot, n = 0; n <= mask && serialAt(s) == Abi.RULE_TOMBSTONE; s = (s - 1) & mask, n++) {
            SERIAL.setRelease(table, s * RULE_SIZE, Abi.RULE_EMPTY);
            tombstones--;
        }
    }

    /** The slot's hits: what the data plane moved into it, and what the CPUs still count. */
    private long hitsAt(int slot) {
        return (long) HITS.getVolatile(table, slot * RULE_SIZE) + hits.sum(slot);
    }

    private int serialAt(int slot) {
        return (int) SERIAL.getAcquire(table, slot * RULE_SIZE);
    }

    private RuleKind kindAt(long base) {
        return (byte) KIND.get(table, base) == Abi.KIND_ALLOW ? RuleKind.ALLOW : RuleKind.BLOCK;
    }

    private Prefix prefixAt(int slot) {
        long base = slot * RULE_SIZE;
        Family family = (byte) FAMILY.get(table, base) == Abi.FAMILY_V4 ? Family.V4 : Family.V6;
        byte[] addr = table.asSlice(base + ADDR, family.bytes()).toArray(JAVA_BYTE);
        return Prefix.of(family, addr, (byte) PLEN.get(table, base) & 0xff);
    }

    // ---- covers: a block some allow contains yields to the longest such allow -----------------

    /** 1 + the length of the longest allow containing prefix, ignoring slot skip; 0 for none. */
    private int coverOf(Prefix prefix, int skip) {
        return longest(prefix, RuleKind.ALLOW, skip) + 1;
    }

    /** The length of the longest rule of kind containing prefix, ignoring slot skip; -1 for none. */
    private int longest(Prefix prefix, RuleKind kind, int skip) {
        int[] allows = allowLengths(prefix);
        for (int length = prefix.length(); length >= 0; length--) {
            if ((kind == RuleKind.ALLOW ? allows[length] > 0 : bits.inUse(prefix.family(), length))
                    && probe(abiFamily(prefix), length, keyOf(prefix.truncate(length)), kind.abi, skip) >= 0) {
                return length;
            }
        }
        return -1;
    }

    /**
     * Recomputes the cover of every block inside allow, ignoring slot skip (an allow going away):
     * they run from the allow itself to its last address as a full-length prefix, and no other
     * block sorts between those two.
     */
    private void recoverBlocksInside(Prefix allow, int skip) {
        recover(blocks().between(allow, lastAddressOf(allow)), skip);
    }

    /** The blocks in order, read from the table if a block came or went since they were last. */
    private BlockOrder blocks() {
        if (blocks == null) {
            BlockOrder.Builder b = new BlockOrder.Builder();
            forEach((prefix, kind, serial) -> {
                if (kind == RuleKind.BLOCK) {
                    b.add(prefix);
                }
            });
            blocks = b.build();
        }
        return blocks;
    }

    /** Recomputes the cover of each of these blocks, ignoring slot skip. */
    private void recover(Iterable<Prefix> blocks, int skip) {
        for (Prefix block : blocks) {
            COVER.setRelease(table, find(block, RuleKind.BLOCK) * RULE_SIZE, (byte) coverOf(block, skip));
        }
    }

    /** The last address inside prefix, as a /32 or /128. */
    private static Prefix lastAddressOf(Prefix prefix) {
        byte[] address = prefix.address();
        for (int bit = prefix.length(); bit < address.length * 8; bit++) {
            address[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        return Prefix.of(prefix.family(), address, address.length * 8);
    }

    // ---- reopening ----------------------------------------------------------------------------

    private void recount() {
        live = 0;
        tombstones = 0;
        for (int slot = 0; slot <= mask; slot++) {
            int serial = serialAt(slot);
            if (serial == Abi.RULE_TOMBSTONE) {
                tombstones++;
            } else if (serial != Abi.RULE_EMPTY) {
                live++;
                Prefix prefix = prefixAt(slot);
                if (kindAt(slot * RULE_SIZE) == RuleKind.ALLOW) {
                    allowLengths(prefix)[prefix.length()]++;
                }
                bits.countQuietly(prefix);
            }
        }
        bits.rewrite();
        recover(blocks().all(), -1);
    }

    // ---- keys ---------------------------------------------------------------------------------

    private int[] allowLengths(Prefix prefix) {
        return prefix.family() == Family.V4 ? v4AllowLengths : v6AllowLengths;
    }

    /** The 16 address bytes as the table stores them: IPv4 first, zeros after. */
    private static MemorySegment keyOf(Prefix prefix) {
        byte[] padded = new byte[16];
        byte[] addr = prefix.address();
        System.arraycopy(addr, 0, padded, 0, addr.length);
        return MemorySegment.ofArray(padded);
    }

    private static int abiFamily(Prefix prefix) {
        return prefix.family() == Family.V4 ? Abi.FAMILY_V4 : Abi.FAMILY_V6;
    }
}

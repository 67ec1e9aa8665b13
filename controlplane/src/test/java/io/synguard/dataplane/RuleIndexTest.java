package io.synguard.dataplane;

import io.synguard.net.Prefix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The index's layout over plain memory, as the XDP program will read it; no kernel involved. */
class RuleIndexTest {
    private static final long RULE = Abi.RULE.byteSize();
    private static final long SERIAL = Abi.offset(Abi.RULE, "serial");
    private static final long COVER = Abi.offset(Abi.RULE, "cover");
    private static final long PLEN = Abi.offset(Abi.RULE, "plen");
    private static final long V6_LENS = Abi.offset(Abi.CONFIG, "v6_lens");

    private Arena arena;
    private MemorySegment table;
    private MemorySegment t16;
    /** Two CPUs' stripes of hit counters. */
    private MemorySegment hits;
    private MemorySegment config;
    private RuleIndex index;
    private int serial = 1;

    @BeforeEach
    void create() {
        arena = Arena.ofConfined();
        table = arena.allocate(RULE * 1024, 8);
        t16 = arena.allocate(8L * LengthBits.T16_ENTRIES, 8);
        hits = arena.allocate(1024 * 2, 8);
        config = arena.allocate(Abi.CONFIG);
        index = RuleIndex.create(table, hits, t16, config, 0x5eed);
    }

    @AfterEach
    void free() {
        arena.close();
    }

    @Test
    void fixesItsGeometryInTheConfig() {
        assertEquals(1023, config.get(JAVA_INT, Abi.offset(Abi.CONFIG, "rules_mask")));
        assertEquals(0x5eed, config.get(JAVA_INT, Abi.offset(Abi.CONFIG, "rules_seed")));
        assertEquals(512, index.capacity());
    }

    @Test
    void insertsFindsAndRemoves() {
        Prefix p = Prefix.parse("198.18.1.0/24");
        insert(p, RuleKind.BLOCK);
        assertTrue(index.contains(p, RuleKind.BLOCK));
        assertFalse(index.contains(p, RuleKind.ALLOW));
        assertFalse(index.contains(Prefix.parse("198.18.1.0/25"), RuleKind.BLOCK));
        assertEquals(0, index.hits(p, RuleKind.BLOCK));
        assertEquals(1, index.size());
        assertTrue(index.remove(p, RuleKind.BLOCK));
        assertFalse(index.remove(p, RuleKind.BLOCK));
        assertFalse(index.contains(p, RuleKind.BLOCK));
        assertEquals(-1, index.hits(p, RuleKind.BLOCK));
        assertEquals(0, index.size());
    }

    @Test
    void hitsAreTheSlotsAndEveryCpusStripeAndANewRuleStartsFromNone() {
        Prefix p = Prefix.parse("198.18.1.0/24");
        insert(p, RuleKind.BLOCK);
        int slot = slotOf(p);
        table.set(JAVA_LONG, slot * RULE + Abi.offset(Abi.RULE, "hits"), 512L);
        hits.set(JAVA_BYTE, slot, (byte) 3);
        hits.set(JAVA_BYTE, 1024 + slot, (byte) 255);
        assertEquals(512 + 3 + 255, index.hits(p, RuleKind.BLOCK));

        index.remove(p, RuleKind.BLOCK);
        insert(p, RuleKind.BLOCK);
        assertEquals(slot, slotOf(p), "the tombstone is taken again");
        assertEquals(0, index.hits(p, RuleKind.BLOCK));
    }

    @Test
    void theSameKeyTwiceIsRefused() {
        insert(Prefix.parse("198.18.1.1"), RuleKind.BLOCK);
        assertThrows(IllegalStateException.class, () -> insert(Prefix.parse("198.18.1.1"), RuleKind.BLOCK));
        insert(Prefix.parse("198.18.1.1"), RuleKind.ALLOW); // another list, another entry
        assertEquals(2, index.size());
    }

    @Test
    void reservedSerialsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> index.insert(Prefix.parse("198.18.0.1"), RuleKind.BLOCK, 0));
        assertThrows(IllegalArgumentException.class, () -> index.insert(Prefix.parse("198.18.0.1"), RuleKind.BLOCK, -1));
    }

    @Test
    void theSerialIsWrittenAndReadBack() {
        index.insert(Prefix.parse("198.18.0.1"), RuleKind.BLOCK, 77);
        assertEquals(77, index.serial(Prefix.parse("198.18.0.1"), RuleKind.BLOCK));
        assertEquals(Abi.RULE_EMPTY, index.serial(Prefix.parse("198.18.0.2"), RuleKind.BLOCK));
    }

    @Test
    void fullMeansHalfTheSlots() {
        for (int i = 0; i < index.capacity(); i++) {
            insert(Prefix.parse("198.18." + (i / 256) + "." + (i % 256)), RuleKind.BLOCK);
        }
        RuleTableFullException e = assertThrows(RuleTableFullException.class,
                () -> insert(Prefix.parse("198.19.0.1"), RuleKind.BLOCK));
        assertTrue(e.getMessage().contains("--max-rules"), e.getMessage());
        assertEquals(index.capacity(), index.size());
    }

    @Test
    void longPrefixesSetTheirLengthBitInTheirSlash16() {
        insert(Prefix.parse("198.18.7.9"), RuleKind.BLOCK);
        insert(Prefix.parse("198.18.7.0/24"), RuleKind.BLOCK);
        insert(Prefix.parse("198.18.7.0/25"), RuleKind.ALLOW);
        assertEquals(1 << 0 | 1 << 7 | 1 << 8, t16(198, 18));
        assertEquals(0, t16(198, 19));
        index.remove(Prefix.parse("198.18.7.0/24"), RuleKind.BLOCK);
        assertEquals(1 << 0 | 1 << 7, t16(198, 18));
    }

    @Test
    void aBitStaysWhileAnyRuleOfThatLengthRemains() {
        insert(Prefix.parse("198.18.7.9"), RuleKind.BLOCK);
        insert(Prefix.parse("198.18.200.1"), RuleKind.BLOCK);
        index.remove(Prefix.parse("198.18.7.9"), RuleKind.BLOCK);
        assertEquals(1, t16(198, 18));
        index.remove(Prefix.parse("198.18.200.1"), RuleKind.BLOCK);
        assertEquals(0, t16(198, 18));
    }

    @Test
    void shortPrefixesMarkEverySlash16TheyCoverWithTheLongestOne() {
        insert(Prefix.parse("198.0.0.0/8"), RuleKind.BLOCK);
        insert(Prefix.parse("198.16.0.0/12"), RuleKind.ALLOW);
        assertEquals(9, shortOf(198, 0));
        assertEquals(9, shortOf(198, 255));
        assertEquals(13, shortOf(198, 16));
        assertEquals(13, shortOf(198, 31));
        assertEquals(9, shortOf(198, 32));
        assertEquals(0, shortOf(199, 0));
        index.remove(Prefix.parse("198.16.0.0/12"), RuleKind.ALLOW);
        assertEquals(9, shortOf(198, 16));
        index.remove(Prefix.parse("198.0.0.0/8"), RuleKind.BLOCK);
        assertEquals(0, shortOf(198, 16));
    }

    @Test
    void theDefaultRouteCoversEverySlash16() {
        insert(Prefix.parse("0.0.0.0/0"), RuleKind.BLOCK);
        assertEquals(1, shortOf(0, 0));
        assertEquals(1, shortOf(255, 255));
    }

    @Test
    void ipv6LengthsAreBitsFromTheLongest() {
        insert(Prefix.parse("2001:2::1"), RuleKind.BLOCK);
        insert(Prefix.parse("2001:2::/48"), RuleKind.BLOCK);
        insert(Prefix.parse("::/0"), RuleKind.ALLOW);
        assertEquals(1L, v6Lens(0)); // /128 is bit 0
        assertEquals(1L << (128 - 48 - 64), v6Lens(1));
        assertEquals(1L, v6Lens(2)); // /0 is bit 128
        index.remove(Prefix.parse("2001:2::/48"), RuleKind.BLOCK);
        assertEquals(0, v6Lens(1));
    }

    @Test
    void aBlockInsideAnAllowPointsAtTheLongestSuchAllow() {
        insert(Prefix.parse("198.18.0.0/16"), RuleKind.ALLOW);
        insert(Prefix.parse("198.18.5.0/24"), RuleKind.BLOCK);
        assertEquals(17, cover("198.18.5.0/24"));
        insert(Prefix.parse("198.18.4.0/22"), RuleKind.ALLOW); // longer, still containing it
        assertEquals(23, cover("198.18.5.0/24"));
        insert(Prefix.parse("198.18.5.0/24"), RuleKind.ALLOW); // the same prefix
        assertEquals(25, cover("198.18.5.0/24"));
        index.remove(Prefix.parse("198.18.5.0/24"), RuleKind.ALLOW);
        assertEquals(23, cover("198.18.5.0/24"));
        index.remove(Prefix.parse("198.18.4.0/22"), RuleKind.ALLOW);
        assertEquals(17, cover("198.18.5.0/24"));
        index.remove(Prefix.parse("198.18.0.0/16"), RuleKind.ALLOW);
        assertEquals(0, cover("198.18.5.0/24"));
    }

    @Test
    void anAllowChangeLooksOnlyAtTheBlocksItCoversOnceTheBlocksWereReadInOrder() {
        for (int i = 0; i < 200; i++) {
            insert(Prefix.parse("198.19." + i + ".1"), RuleKind.BLOCK);
        }
        insert(Prefix.parse("198.18.5.0/24"), RuleKind.BLOCK);
        insert(Prefix.parse("198.18.0.0/15"), RuleKind.BLOCK);
        insert(Prefix.parse("2001:2::/48"), RuleKind.ALLOW); // the first allow change reads the blocks' order
        // the blocks outside the allow become unreadable (a length no IPv4 prefix has): a change that
        // walked the table again, with no block changed since, would trip over them
        for (int i = 0; i < 200; i++) {
            table.set(JAVA_BYTE, slotOf(Prefix.parse("198.19." + i + ".1")) * RULE + PLEN, (byte) 0xff);
        }

        insert(Prefix.parse("198.18.0.0/16"), RuleKind.ALLOW);
        assertEquals(17, cover("198.18.5.0/24"));
        assertEquals(0, cover("198.18.0.0/15"));
        index.remove(Prefix.parse("198.18.0.0/16"), RuleKind.ALLOW);
        assertEquals(0, cover("198.18.5.0/24"));
    }

    @Test
    void theLongestRuleOfAKindContainingAPrefixIsFound() {
        insert(Prefix.parse("198.18.0.0/16"), RuleKind.ALLOW);
        insert(Prefix.parse("198.18.4.0/22"), RuleKind.ALLOW);
        insert(Prefix.parse("198.18.5.0/24"), RuleKind.BLOCK);
        insert(Prefix.parse("2001:2::/48"), RuleKind.ALLOW);
        assertEquals(22, index.longestContaining(Prefix.parse("198.18.5.7"), RuleKind.ALLOW));
        assertEquals(24, index.longestContaining(Prefix.parse("198.18.5.7"), RuleKind.BLOCK));
        assertEquals(22, index.longestContaining(Prefix.parse("198.18.4.0/22"), RuleKind.ALLOW));
        assertEquals(16, index.longestContaining(Prefix.parse("198.18.9.9"), RuleKind.ALLOW));
        assertEquals(-1, index.longestContaining(Prefix.parse("198.18.0.0/15"), RuleKind.ALLOW));
        assertEquals(-1, index.longestContaining(Prefix.parse("198.19.0.1"), RuleKind.ALLOW));
        assertEquals(48, index.longestContaining(Prefix.parse("2001:2::1"), RuleKind.ALLOW));
        assertEquals(-1, index.longestContaining(Prefix.parse("2001:2::1"), RuleKind.BLOCK));
    }

    @Test
    void anAllowInsideABlockCoversNothing() {
        insert(Prefix.parse("198.18.0.0/16"), RuleKind.BLOCK);
        insert(Prefix.parse("198.18.5.5"), RuleKind.ALLOW);
        assertEquals(0, cover("198.18.0.0/16"));
    }

    @Test
    void coversAreIPv6Too() {
        insert(Prefix.parse("2001:2::/32"), RuleKind.ALLOW);
        insert(Prefix.parse("2001:2:0:6::/64"), RuleKind.BLOCK);
        assertEquals(33, cover("2001:2:0:6::/64"));
    }

    @Test
    void tombstonesAtTheEndOfARunBecomeEmpty() {
        Prefix p = Prefix.parse("198.18.3.3");
        insert(p, RuleKind.BLOCK);
        int slot = slotOf(p);
        index.remove(p, RuleKind.BLOCK);
        assertEquals(Abi.RULE_EMPTY, table.get(JAVA_INT, slot * RULE + SERIAL));
    }

    @Test
    void tombstonesInsideARunStayUntilReused() {
        // fill until two rules share a run, then take out the first of the run
        Map<Integer, Prefix> bySlot = new HashMap<>();
        Prefix first = null;
        Prefix second = null;
        for (int i = 0; first == null && i < 400; i++) {
            Prefix p = Prefix.parse("198.18." + i / 256 + "." + i % 256);
            insert(p, RuleKind.BLOCK);
            int s = slotOf(p);
            Prefix before = bySlot.get((s - 1) & 1023);
            if (before != null) {
                first = before;
                second = p;
            }
            bySlot.put(s, p);
        }
        int slot = slotOf(first);
        index.remove(first, RuleKind.BLOCK);
        assertEquals(Abi.RULE_TOMBSTONE, table.get(JAVA_INT, slot * RULE + SERIAL));
        assertTrue(index.contains(second, RuleKind.BLOCK), "the rule behind the tombstone is still found");
    }

    @Test
    void reopeningRecountsAndRepairsDerivedBits() {
        insert(Prefix.parse("198.18.7.9"), RuleKind.BLOCK);
        insert(Prefix.parse("198.0.0.0/8"), RuleKind.ALLOW);
        insert(Prefix.parse("2001:2::/48"), RuleKind.BLOCK);
        long t16Before = t16Entry(198, 18);
        long v6Before = v6Lens(1);
        int coverBefore = cover("198.18.7.9/32");
        // an earlier run died half-way: derived bits went stale
        t16.fill((byte) 0);
        config.set(JAVA_LONG, V6_LENS + 8, 0L);
        table.set(JAVA_BYTE, slotOf(Prefix.parse("198.18.7.9")) * RULE + COVER, (byte) 0);
        RuleIndex reopened = RuleIndex.open(table, hits, t16, config);
        assertEquals(3, reopened.size());
        assertEquals(t16Before, t16Entry(198, 18));
        assertEquals(v6Before, v6Lens(1));
        assertEquals(coverBefore, cover("198.18.7.9/32"));
        assertTrue(reopened.contains(Prefix.parse("2001:2::/48"), RuleKind.BLOCK));
    }

    @Test
    void reopeningRefusesAConfigOfAnotherSize() {
        config.set(JAVA_INT, Abi.offset(Abi.CONFIG, "rules_mask"), 511);
        assertThrows(IllegalStateException.class, () -> RuleIndex.open(table, hits, t16, config));
    }

    @Test
    void manyRulesChurnWithoutLosingAny() {
        Random random = new Random(3);
        List<Prefix> live = new ArrayList<>();
        for (int round = 0; round < 4000; round++) {
            if (live.size() < 400 && (live.isEmpty() || random.nextInt(3) > 0)) {
                Prefix p = randomPrefix(random);
                if (!index.contains(p, RuleKind.BLOCK)) {
                    insert(p, RuleKind.BLOCK);
                    live.add(p);
                }
            } else {
                assertTrue(index.remove(live.remove(random.nextInt(live.size())), RuleKind.BLOCK));
            }
            if (round % 500 == 0) {
                for (Prefix p : live) {
                    assertTrue(index.contains(p, RuleKind.BLOCK), "lost " + p);
                }
            }
        }
        assertEquals(live.size(), index.size());
        List<Prefix> visited = new ArrayList<>();
        index.forEach((p, kind, s) -> visited.add(p));
        assertEquals(live.size(), visited.size());
        assertTrue(visited.containsAll(live));
    }

    private static Prefix randomPrefix(Random random) {
        if (random.nextBoolean()) {
            return Prefix.parse("198.18." + random.nextInt(256) + "." + random.nextInt(256) + "/" + (17 + random.nextInt(16)));
        }
        return Prefix.parse("2001:2:0:" + Integer.toHexString(random.nextInt(65536)) + "::" + random.nextInt(256)
                + "/" + (48 + random.nextInt(81)));
    }

    private void insert(Prefix p, RuleKind kind) {
        index.insert(p, kind, serial++);
    }

    private int slotOf(Prefix p) {
        int want = index.serial(p, RuleKind.BLOCK);
        for (int slot = 0; slot < 1024; slot++) {
            if (table.get(JAVA_INT, slot * RULE + SERIAL) == want) {
                return slot;
            }
        }
        throw new AssertionError(p + " is not in the table");
    }

    private int cover(String block) {
        return table.get(JAVA_BYTE, slotOf(Prefix.parse(block)) * RULE + COVER) & 0xff;
    }

    private long t16Entry(int a, int b) {
        return t16.get(JAVA_LONG, 8L * (a << 8 | b));
    }

    private int t16(int a, int b) {
        return (int) (t16Entry(a, b) & Abi.T16_LONG_MASK);
    }

    private int shortOf(int a, int b) {
        return (int) (t16Entry(a, b) >> Abi.T16_SHORT_SHIFT & Abi.T16_SHORT_MASK);
    }

    private long v6Lens(int word) {
        return config.get(JAVA_LONG, V6_LENS + 8L * word);
    }
}

package io.synguard.policy;

import io.synguard.dataplane.RuleKind;
import io.synguard.net.Prefix;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class EntryTableTest {
    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00.123456789Z");

    @Test
    void holdsWhatAMapHoldsThroughRandomPutsReplacementsAndRemovals() {
        Random random = new Random(42);
        EntryTable table = new EntryTable(RuleKind.BLOCK);
        Map<Prefix, Entry> reference = new HashMap<>();
        List<Prefix> universe = new ArrayList<>();
        for (int i = 0; i < 6 * EntryTable.PAGE; i++) { // small enough for many replacements and removals
            universe.add(i % 10 == 0
                    ? Prefix.parse("2001:2:" + Integer.toHexString(i) + "::/" + (48 + i % 81))
                    : Prefix.parse("198." + (18 + i % 2) + "." + (i >> 8 & 0xff) + "." + (i & 0xff) + "/" + (24 + i % 9)));
        }
        for (int step = 0; step < 200_000; step++) { // the table grows to pages, shrinks and grows again
            Prefix p = universe.get(random.nextInt(universe.size()));
            if (random.nextInt(3) == 0) {
                assertEquals(reference.remove(p), table.remove(p), "remove " + p);
            } else {
                Entry e = new Entry(RuleKind.BLOCK, p, Origin.values()[random.nextInt(3)],
                        random.nextBoolean() ? null : "reason " + step, T0.plusNanos(step),
                        random.nextBoolean() ? null : T0.plusSeconds(step), random.nextBoolean() ? null : "edge-1");
                assertEquals(reference.put(p, e), table.put(e), "put " + p);
            }
            assertEquals(reference.size(), table.size());
        }
        for (Prefix p : universe) {
            assertEquals(reference.get(p), table.get(p), "get " + p);
        }
        List<Entry> all = new ArrayList<>();
        table.forEach(all::add);
        assertEquals(reference.size(), all.size());
        all.forEach(e -> assertEquals(reference.get(e.prefix()), e));
        for (Prefix p : universe) {
            assertEquals(reference.remove(p), table.remove(p));
        }
        assertEquals(0, table.size());
        table.put(new Entry(RuleKind.BLOCK, universe.getFirst(), Origin.AUTO, null, T0, null));
        assertEquals(1, table.size(), "and takes entries again");
    }

    @Test
    void sortedKeysFollowPrefixOrderIpv4First() {
        EntryTable table = new EntryTable(RuleKind.BLOCK);
        List<Prefix> prefixes = List.of(Prefix.parse("2001:2::/48"), Prefix.parse("255.255.255.255"),
                Prefix.parse("198.18.1.0/24"), Prefix.parse("198.18.1.0/32"), Prefix.parse("0.0.0.0/0"),
                Prefix.parse("198.18.0.0/15"), Prefix.parse("2001:2::/32"));
        prefixes.forEach(p -> table.put(new Entry(RuleKind.BLOCK, p, Origin.OPERATOR, null, T0, null)));
        SortedKeys keys = new SortedKeys(table.sortedV4(), table.sortedV6());
        List<Prefix> listed = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            listed.add(keys.get(i));
        }
        assertEquals(prefixes.stream().sorted().toList(), listed);
        assertEquals(3, keys.firstAfter(Prefix.parse("198.18.1.0/24")), "after a key held: the next one");
        assertEquals(3, keys.firstAfter(Prefix.parse("198.18.1.0/25")), "after one not held: where it would be");
        assertEquals(5, keys.firstAfter(Prefix.parse("255.255.255.255")), "the last IPv4: the first IPv6 next");
        assertEquals(7, keys.firstAfter(Prefix.parse("ffff::/16")), "past the end");
    }

    @Test
    void aCopyKeepsTheEntriesOfItsMoment() {
        EntryTable table = new EntryTable(RuleKind.ALLOW);
        Entry e = new Entry(RuleKind.ALLOW, Prefix.parse("198.18.1.0/24"), Origin.FLEET, "r", T0, T0.plusSeconds(1),
                "edge-2");
        table.put(e);
        EntryTable copy = table.copy();
        table.remove(e.prefix());
        assertNull(table.get(e.prefix()));
        assertEquals(List.of(e), copy.stream().toList());
    }
}

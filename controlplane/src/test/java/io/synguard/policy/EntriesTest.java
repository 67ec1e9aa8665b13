package io.synguard.policy;

import io.synguard.net.Prefix;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static io.synguard.dataplane.RuleKind.BLOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class EntriesTest {
    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");

    private final Entries entries = new Entries();

    private static Entry block(String prefix, long expiresS) {
        return new Entry(BLOCK, Prefix.parse(prefix), Origin.AUTO, null, T0, T0.plusSeconds(expiresS));
    }

    private List<Entry> dueAt(long s) {
        List<Entry> due = new ArrayList<>();
        for (Entry e; (e = entries.takeDue(T0.plusSeconds(s))) != null; ) {
            due.add(e);
        }
        return due;
    }

    @Test
    void dueEntriesComeOutSoonestFirstAndOnlyOnce() {
        Entry late = block("198.18.1.3", 30);
        Entry soon = block("198.18.1.1", 10);
        Entry middle = block("198.18.1.2", 20);
        entries.put(late);
        entries.put(soon);
        entries.put(middle);

        assertEquals(List.of(), dueAt(9));
        assertEquals(List.of(soon, middle), dueAt(20));
        assertEquals(List.of(late), dueAt(100));
        assertEquals(0, entries.size(BLOCK));
    }

    @Test
    void aReplacedOrRemovedEntryNeverComesOut() {
        entries.put(block("198.18.1.1", 10));
        Entry replacement = block("198.18.1.1", 60);
        entries.put(replacement);
        entries.put(block("198.18.1.2", 10));
        entries.remove(BLOCK, Prefix.parse("198.18.1.2"));

        assertEquals(List.of(), dueAt(59));
        assertEquals(replacement, entries.get(BLOCK, Prefix.parse("198.18.1.1")));
        assertEquals(List.of(replacement), dueAt(60));
    }

    @Test
    void anEqualEntryPutAgainComesOutOnce() {
        entries.put(block("198.18.1.1", 10));
        Entry again = block("198.18.1.1", 10);
        entries.put(again);
        assertEquals(1, dueAt(10).size());
        assertNull(entries.get(BLOCK, Prefix.parse("198.18.1.1")));
    }

    @Test
    void manyReplacementsLeaveEachEntryDueOnceAtItsLastTime() {
        List<Entry> last = new ArrayList<>();
        for (int round = 0; round < 5; round++) { // 8,000 replaced entries: the queue is purged on the way
            last.clear();
            for (int i = 0; i < 2000; i++) {
                Entry e = block("198.18." + i / 256 + "." + i % 256, 100 + round * 10 + i % 7);
                entries.put(e);
                last.add(e);
            }
        }
        assertEquals(List.of(), dueAt(139));
        List<Entry> due = dueAt(1000);
        assertEquals(2000, due.size());
        assertEquals(Set.copyOf(last), Set.copyOf(due));
    }
}

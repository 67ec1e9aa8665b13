package io.synguard.policy;

import io.synguard.dataplane.RuleKind;
import io.synguard.net.Prefix;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The entries of both lists, one map per kind, and one queue of their expiries, soonest first.
 * Holds an entry from its put until it is removed or taken out as due, lapsed or not: deciding
 * what a lapsed entry means is the caller's. Not thread-safe.
 */
final class Entries {
    /** Replaced and removed entries the queue may hold beyond the live ones before it is purged. */
    private static final int STALE_SLACK = 4096;

    private final Map<RuleKind, Map<Prefix, Entry>> lists = new EnumMap<>(RuleKind.class);
    /** Every entry with an expiry, and entries since replaced or removed ({@link #stale}) until they come up. */
    private final PriorityQueue<Entry> dues = new PriorityQueue<>(Comparator.comparing(Entry::expires));
    private int stale;

    Entries() {
        for (RuleKind kind : RuleKind.values()) {
            lists.put(kind, new HashMap<>());
        }
    }

    /** The entry held for prefix, lapsed or not; null if none. */
    Entry get(RuleKind kind, Prefix prefix) {
        return lists.get(kind).get(prefix);
    }

    /** Holds e in place of the entry of its prefix; that entry, or null. */
    Entry put(Entry e) {
        Entry before = lists.get(e.kind()).put(e.prefix(), e);
        forget(before);
        if (e.expires() != null) {
            dues.add(e);
        }
        return before;
    }

    /** Stops holding the entry of prefix; that entry, or null. */
    Entry remove(RuleKind kind, Prefix prefix) {
        Entry before = lists.get(kind).remove(prefix);
        forget(before);
        return before;
    }

    /** Takes out and returns the held entry whose expiry comes first, if that is not after now; else null. */
    Entry takeDue(Instant now) {
        while (!dues.isEmpty() && !dues.peek().expires().isAfter(now)) {
            Entry e = dues.poll();
            if (held(e)) {
                lists.get(e.kind()).remove(e.prefix());
                return e;
            }
            stale--;
        }
        return null;
    }

    /** Every entry of a kind held, lapsed or not; a view. */
    Collection<Entry> all(RuleKind kind) {
        return Collections.unmodifiableCollection(lists.get(kind).values());
    }

    int size(RuleKind kind) {
        return lists.get(kind).size();
    }

    /** An entry no longer held stays queued until it comes up, unless too many such pile up. */
    private void forget(Entry e) {
        if (e == null || e.expires() == null) {
            return;
        }
        stale++;
        if (stale > STALE_SLACK && stale > dues.size() / 2) {
            dues.removeIf(d -> !held(d));
            stale = 0;
        }
    }

    /** Whether e itself is held, not merely an equal entry. */
    private boolean held(Entry e) {
        return lists.get(e.kind()).get(e.prefix()) == e;
    }
}

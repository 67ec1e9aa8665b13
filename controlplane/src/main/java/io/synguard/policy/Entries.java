package io.synguard.policy;

import io.synguard.dataplane.RuleKind;
import io.synguard.net.Prefix;

import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.EnumMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.stream.Stream;

/**
 * The entries of both lists, one {@link EntryTable} per kind, and one queue of their expiries,
 * soonest first. Holds an entry from its put until it is removed or taken out as due, lapsed or
 * not: deciding what a lapsed entry means is the caller's. Not thread-safe.
 */
final class Entries {
    /** Replaced and removed entries the queue may hold beyond the live ones before it is purged. */
    private static final int STALE_SLACK = 4096;

    private final Map<RuleKind, EntryTable> lists = new EnumMap<>(RuleKind.class);
    /**
     * Every entry with an expiry, and entries since replaced or removed ({@link #stale}) until they
     * come up: a queued expiry counts only while the entry held for its key still has it.
     */
    private final PriorityQueue<Due> dues = new PriorityQueue<>(Comparator.comparingLong(Due::at));
    private int stale;
    /** Changes so far: a sorted listing made at one count holds until the next change. */
    private long version;

    Entries() {
        for (RuleKind kind : RuleKind.values()) {
            lists.put(kind, new EntryTable(kind));
        }
    }

    /** An expiry in the queue: the time, and the key of the entry it was queued for. */
    private record Due(long at, RuleKind kind, long high, long low, int shape) {}

    /** The entry held for prefix, lapsed or not; null if none. */
    Entry get(RuleKind kind, Prefix prefix) {
        return lists.get(kind).get(prefix);
    }

    /** Holds e in place of the entry of its prefix; that entry, or null. */
    Entry put(Entry e) {
        version++;
        Entry before = lists.get(e.kind()).put(e);
        forget(before);
        if (e.expires() != null) {
            dues.add(new Due(EntryTable.nanos(e.expires()), e.kind(), EntryTable.high(e.prefix()),
                    EntryTable.low(e.prefix()), EntryTable.shape(e.prefix())));
        }
        return before;
    }

    /** Stops holding the entry of prefix; that entry, or null. */
    Entry remove(RuleKind kind, Prefix prefix) {
        Entry before = lists.get(kind).remove(prefix);
        if (before != null) {
            version++;
        }
        forget(before);
        return before;
    }

    /** Takes out and returns the held entry whose expiry comes first, if that is not after now; else null. */
    Entry takeDue(Instant now) {
        long nowNanos = EntryTable.nanos(now);
        while (!dues.isEmpty() && dues.peek().at() <= nowNanos) {
            Due d = dues.poll();
            Entry e = lists.get(d.kind()).removeIfExpiring(d.high(), d.low(), d.shape(), d.at());
            if (e != null) {
                version++;
                return e;
            }
            stale--;
        }
        return null;
    }

    /** Counts the entries of a kind that have not lapsed at now into counts, by origin. */
    void countLive(RuleKind kind, Instant now, Map<Origin, Long> counts) {
        lists.get(kind).countLive(EntryTable.nanos(now), counts);
    }

    /** Every entry held now, of both kinds, lapsed or not, made as the stream reaches it; reads a copy. */
    Stream<Entry> copyAll() {
        List<EntryTable> copies = Arrays.stream(RuleKind.values()).map(k -> lists.get(k).copy()).toList();
        return copies.stream().flatMap(EntryTable::stream);
    }

    int size(RuleKind kind) {
        return lists.get(kind).size();
    }

    /** Changes so far. */
    long version() {
        return version;
    }

    /** The prefixes of a kind held, lapsed or not, in {@link Prefix}'s order. */
    SortedKeys sortedKeys(RuleKind kind) {
        EntryTable table = lists.get(kind);
        return new SortedKeys(table.sortedV4(), table.sortedV6());
    }

    /**
     * An entry no longer held stays queued until it comes up, unless too many such pile up. An entry
     * replaced by one of the same expiry leaves two queued for one held: the first to come up takes
     * it out, the second finds nothing, as stale.
     */
    private void forget(Entry e) {
        if (e == null || e.expires() == null) {
            return;
        }
        stale++;
        if (stale > STALE_SLACK && stale > dues.size() / 2) {
            PriorityQueue<Due> live = new PriorityQueue<>(dues.comparator());
            for (RuleKind kind : RuleKind.values()) {
                lists.get(kind).forEach(held -> {
                    if (held.expires() != null) {
                        live.add(new Due(EntryTable.nanos(held.expires()), kind, EntryTable.high(held.prefix()),
                                EntryTable.low(held.prefix()), EntryTable.shape(held.prefix())));
                    }
                });
            }
            dues.clear();
            dues.addAll(live);
            stale = 0;
        }
    }
}

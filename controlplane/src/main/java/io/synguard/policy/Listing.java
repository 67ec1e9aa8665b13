package io.synguard.policy;

import io.synguard.dataplane.RuleKind;
import io.synguard.net.Prefix;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One list read in {@link Prefix}'s order a chunk at a time, so that a million entries are never
 * all in memory as objects: the order is fixed when the listing starts (the prefixes then held, 8
 * bytes each for IPv4), each chunk's entries are read as they are then, and an entry gone or lapsed
 * by then is left out. Not thread-safe: one reader.
 */
public final class Listing {
    private final Policy policy;
    private final RuleKind kind;
    private final SortedKeys keys;
    private final int end;
    private int next;

    Listing(Policy policy, RuleKind kind, SortedKeys keys, int from, int limit) {
        this.policy = policy;
        this.kind = kind;
        this.keys = keys;
        this.next = from;
        this.end = (int) Math.min(keys.size(), (long) from + limit);
    }

    /**
     * When entries remain past this listing's limit, the prefix its last place holds (the {@code after}
     * of the next page); else empty.
     */
    public Optional<Prefix> continuesAfter() {
        return end < keys.size() && end > 0 ? Optional.of(keys.get(end - 1)) : Optional.empty();
    }

    /** Up to max more entries with their hits, in order; empty at the end. */
    public List<Policy.Listed> next(int max) {
        List<Policy.Listed> chunk = List.of();
        while (chunk.isEmpty() && next < end) { // a chunk whose entries all went meanwhile is skipped
            List<Prefix> prefixes = new ArrayList<>(Math.min(max, end - next));
            while (prefixes.size() < max && next < end) {
                prefixes.add(keys.get(next++));
            }
            chunk = policy.liveOf(kind, prefixes);
        }
        return chunk;
    }
}

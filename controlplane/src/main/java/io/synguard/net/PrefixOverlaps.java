package io.synguard.net;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * A set of prefixes asked, for another prefix, whether any of them overlaps it (contains it or lies
 * inside it), in a handful of lookups rather than a scan: a million blocks checked against a few
 * hundred allowed prefixes cost a million lookups, not hundreds of millions of compares.
 */
public final class PrefixOverlaps {
    private final NavigableSet<Prefix> members;
    private final Map<Family, int[]> lengths = new EnumMap<>(Family.class);

    public PrefixOverlaps(Collection<Prefix> prefixes) {
        this.members = new TreeSet<>(prefixes);
        for (Family f : Family.values()) {
            lengths.put(f, members.stream().filter(p -> p.family() == f).mapToInt(Prefix::length).distinct().sorted()
                    .toArray());
        }
    }

    /** Whether a member contains p or lies inside it (p itself included). */
    public boolean overlaps(Prefix p) {
        return holdsOneInside(p) || holdsOneAround(p);
    }

    /**
     * In {@link Prefix}'s order (address, then shorter first), the prefixes inside p are those from p
     * on up to p's last address, and nothing sorts between p and them that does not lie inside p.
     */
    private boolean holdsOneInside(Prefix p) {
        Prefix next = members.ceiling(p);
        return next != null && p.contains(next);
    }

    /** A member around p is p cut to that member's length: one lookup for each length the members have. */
    private boolean holdsOneAround(Prefix p) {
        for (int length : lengths.get(p.family())) {
            if (length >= p.length()) {
                return false;
            }
            if (members.contains(p.truncate(length))) {
                return true;
            }
        }
        return false;
    }
}

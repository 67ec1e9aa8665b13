package io.synguard.flowspec;

import io.synguard.net.Family;
import io.synguard.net.Prefix;
import io.synguard.net.PrefixOverlaps;
import io.synguard.policy.Policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Which blocks go upstream. Never one that overlaps an allowed or a protected prefix (a router would
 * drop what this host lets through, or the traffic it protects); of the rest, the widest first, then
 * those with the most hits, up to the cap, since a router's TCAM holds few rules; the others stay
 * enforced here only.
 *
 * @param rules     the rules wanted, in rank order
 * @param eligible  blocks that could go upstream
 * @param localOnly eligible blocks left out by the cap
 * @param excluded  blocks never announced: they overlap an allowed or protected prefix
 */
record Selection(List<FlowRule> rules, int eligible, int localOnly, int excluded) {
    /**
     * Ranks blocks by how much they cover: a v4 prefix by its addresses, a v6 one by its /64s (one
     * site each), so a v6 /48 ranks with a v4 /16.
     */
    static int width(Prefix p) {
        return p.family() == Family.V4 ? 32 - p.length() : Math.max(0, 64 - p.length());
    }

    private static final Comparator<Policy.Listed> RANK = Comparator
            .comparingInt((Policy.Listed l) -> width(l.entry().prefix())).reversed()
            .thenComparing(Comparator.comparingLong(Policy.Listed::hits).reversed())
            .thenComparing(l -> l.entry().prefix());

    /**
     * One pass over the blocks, which may be read a chunk at a time (a million of them are): what is
     * kept is the cap's worth of the best ranked so far, never the whole list.
     *
     * @param destinations the protected prefix of each family, the rules' destination; a family
     *                     without one matches any destination
     */
    static Selection of(Iterable<Policy.Listed> blocks, Collection<Prefix> allows, Map<Family, Prefix> destinations,
                        Action action, int max) {
        List<Prefix> never = new ArrayList<>(allows);
        never.addAll(destinations.values());
        PrefixOverlaps overlaps = new PrefixOverlaps(never);
        PriorityQueue<Policy.Listed> best = new PriorityQueue<>(RANK.reversed()); // the worst kept on top
        int blocked = 0;
        int eligible = 0;
        for (Policy.Listed b : blocks) {
            blocked++;
            if (overlaps.overlaps(b.entry().prefix())) {
                continue;
            }
            eligible++;
            if (best.size() < max) {
                best.add(b);
            } else if (max > 0 && RANK.compare(b, best.peek()) < 0) {
                best.poll();
                best.add(b);
            }
        }
        List<FlowRule> rules = best.stream().sorted(RANK).map(l -> l.entry().prefix())
                .map(p -> new FlowRule(p, destinations.get(p.family()), action)).toList();
        return new Selection(rules, eligible, eligible - rules.size(), blocked - eligible);
    }
}

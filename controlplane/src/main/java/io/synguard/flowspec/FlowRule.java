package io.synguard.flowspec;

import io.synguard.net.Prefix;

/**
 * One FlowSpec rule this host wants a router to apply: TCP segments with SYN set and ACK clear from
 * source to destination get action.
 *
 * @param source      the blocked prefix
 * @param destination the protected prefix of the source's family; null to match any destination
 * @param action      discard or a rate limit
 */
public record FlowRule(Prefix source, Prefix destination, Action action) {
    public FlowRule {
        if (destination != null && destination.family() != source.family()) {
            throw new IllegalArgumentException(source + " and " + destination + " are of different families");
        }
    }

    /** What a router keys the rule by: its match, without the action. */
    Match match() {
        return new Match(source, destination);
    }

    record Match(Prefix source, Prefix destination) {}
}

package io.synguard.api;

import io.synguard.dataplane.RuleKind;
import io.synguard.net.Prefix;
import io.synguard.policy.Entry;
import io.synguard.policy.Listing;
import io.synguard.policy.Origin;
import io.synguard.policy.Policy;

import java.util.List;
import java.util.Optional;

/**
 * The blocklist and the allowlist as the API changes them: what the endpoints may do with the
 * {@link Policy}, every entry they put in made by the operator.
 */
public final class OperatorLists {
    /** Entries from which an import is large enough to ask for its garbage to be collected after. */
    public static final int RECLAIM_FROM = 100_000;

    private final Policy policy;
    private final Runnable reclaim;

    /**
     * @param reclaim run after a bulk import of {@value #RECLAIM_FROM} entries or more: the daemon
     *                starts a collection, so the heap a large import took (a million entries: 300 MB
     *                in their passing, 80 MB held after) goes back to the host instead of staying resident
     */
    public OperatorLists(Policy policy, Runnable reclaim) {
        this.policy = policy;
        this.reclaim = reclaim;
    }

    /** A list's entries in {@link Prefix}'s order after a prefix (null: all), at most limit. */
    Listing listing(RuleKind kind, Prefix after, int limit) {
        return policy.listing(kind, after, limit);
    }

    /** Adds or replaces an entry; the entry before (or null) and after. */
    Policy.Change put(RuleKind kind, Policy.Request request) {
        return policy.put(kind, request.prefix(), request.ttl(), request.reason(), Origin.OPERATOR);
    }

    /** Adds or replaces the entries of a bulk import; how many. */
    int putAll(RuleKind kind, List<Policy.Request> requests) {
        int added = policy.putAll(kind, requests, Origin.OPERATOR);
        if (requests.size() >= RECLAIM_FROM) {
            reclaim.run();
        }
        return added;
    }

    /** Removes an entry; what it was, or empty if there was none. */
    Optional<Entry> remove(RuleKind kind, Prefix prefix) {
        return policy.remove(kind, prefix);
    }

    /** SYNs an entry matched; 0 if there is none. */
    long hitsOf(RuleKind kind, Prefix prefix) {
        return policy.hitsOf(kind, prefix);
    }
}

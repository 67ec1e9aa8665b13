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
    private final Policy policy;

    public OperatorLists(Policy policy) {
        this.policy = policy;
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
        return policy.putAll(kind, requests, Origin.OPERATOR);
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

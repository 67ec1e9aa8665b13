package io.synguard.policy;

import io.synguard.dataplane.Rule;
import io.synguard.dataplane.RuleKind;
import io.synguard.dataplane.RuleSpec;
import io.synguard.net.Prefix;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** What the policy needs of the data plane's lists; the kernel's, or a fake in tests. */
public interface RuleStore {
    /** Adds or replaces one entry. */
    void put(RuleKind kind, Prefix prefix, boolean auto, Instant expires);

    /** Adds or replaces many entries of one kind in one go. */
    void putAll(RuleKind kind, List<RuleSpec> specs);

    /** Removes an entry; false if there was none. */
    boolean remove(RuleKind kind, Prefix prefix);

    /** Visits every entry of a kind, with its hits, one at a time; the visitor changes nothing here. */
    void forEach(RuleKind kind, Consumer<Rule> visitor);

    /** Hits of one entry; 0 if there is none. */
    long hits(RuleKind kind, Prefix prefix);

    /** The longest entry of a kind that contains prefix or is prefix. */
    Optional<Prefix> longestContaining(RuleKind kind, Prefix prefix);
}

package io.synguard.policy;

import io.synguard.dataplane.Dataplane;
import io.synguard.dataplane.Rule;
import io.synguard.dataplane.RuleKind;
import io.synguard.dataplane.RuleList;
import io.synguard.dataplane.RuleSpec;
import io.synguard.net.Prefix;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The data plane's lists as a {@link RuleStore}. */
public final class KernelRules implements RuleStore {
    private final Dataplane dataplane;

    public KernelRules(Dataplane dataplane) {
        this.dataplane = dataplane;
    }

    @Override
    public void put(RuleKind kind, Prefix prefix, boolean auto, Instant expires) {
        lists(kind).put(prefix, auto, expires);
    }

    @Override
    public void putAll(RuleKind kind, List<RuleSpec> specs) {
        lists(kind).putAll(specs);
    }

    @Override
    public boolean remove(RuleKind kind, Prefix prefix) {
        return lists(kind).remove(prefix);
    }

    @Override
    public void forEach(RuleKind kind, Consumer<Rule> visitor) {
        lists(kind).forEach(visitor);
    }

    @Override
    public long hits(RuleKind kind, Prefix prefix) {
        return lists(kind).hits(prefix);
    }

    @Override
    public Optional<Prefix> longestContaining(RuleKind kind, Prefix prefix) {
        return lists(kind).longestContaining(prefix);
    }

    private RuleList lists(RuleKind kind) {
        return kind == RuleKind.BLOCK ? dataplane.blocklist() : dataplane.allowlist();
    }
}

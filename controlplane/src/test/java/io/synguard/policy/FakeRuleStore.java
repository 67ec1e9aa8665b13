package io.synguard.policy;

import io.synguard.dataplane.Rule;
import io.synguard.dataplane.RuleKind;
import io.synguard.dataplane.RuleSpec;
import io.synguard.dataplane.RuleTableFullException;
import io.synguard.net.Prefix;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The data plane's lists in memory: what the policy put there, as the kernel would hold it. */
public final class FakeRuleStore implements RuleStore {
    private final Map<RuleKind, Map<Prefix, Rule>> lists = new EnumMap<>(RuleKind.class);
    private final int capacity;
    private int serial;
    /** Run at every read of a rule's hits, as the time reading them takes would pass. */
    public volatile Runnable onHits = () -> {};

    public FakeRuleStore() {
        this(Integer.MAX_VALUE);
    }

    /** A store that holds at most capacity entries of both kinds together, as the kernel's table. */
    FakeRuleStore(int capacity) {
        this.capacity = capacity;
        for (RuleKind kind : RuleKind.values()) {
            lists.put(kind, new LinkedHashMap<>());
        }
    }

    @Override
    public synchronized void put(RuleKind kind, Prefix prefix, boolean auto, Instant expires) {
        if (!lists.get(kind).containsKey(prefix) && total() >= capacity) {
            throw new RuleTableFullException("full at " + capacity);
        }
        lists.get(kind).put(prefix, new Rule(prefix, kind, serial++, auto, expires, 0));
    }

    /** All or nothing, as the kernel's batch. */
    @Override
    public synchronized void putAll(RuleKind kind, List<RuleSpec> specs) {
        long fresh = specs.stream().map(RuleSpec::prefix).distinct().filter(p -> !lists.get(kind).containsKey(p)).count();
        if (total() + fresh > capacity) {
            throw new RuleTableFullException("full at " + capacity);
        }
        specs.forEach(s -> put(kind, s.prefix(), s.auto(), s.expires()));
    }

    private int total() {
        return lists.values().stream().mapToInt(Map::size).sum();
    }

    @Override
    public synchronized boolean remove(RuleKind kind, Prefix prefix) {
        return lists.get(kind).remove(prefix) != null;
    }

    @Override
    public synchronized void forEach(RuleKind kind, Consumer<Rule> visitor) {
        list(kind).forEach(visitor);
    }

    /** Every entry of a kind, for the tests to look into. */
    public synchronized List<Rule> list(RuleKind kind) {
        return new ArrayList<>(lists.get(kind).values());
    }

    @Override
    public synchronized long hits(RuleKind kind, Prefix prefix) {
        onHits.run();
        Rule r = lists.get(kind).get(prefix);
        return r == null ? 0 : r.hits();
    }

    @Override
    public synchronized Optional<Prefix> longestContaining(RuleKind kind, Prefix prefix) {
        return lists.get(kind).keySet().stream().filter(p -> p.contains(prefix))
                .max(Comparator.comparingInt(Prefix::length));
    }

    // ---- for tests -----------------------------------------------------------------------------

    synchronized Rule get(RuleKind kind, String prefix) {
        return lists.get(kind).get(Prefix.parse(prefix));
    }

    synchronized boolean has(RuleKind kind, String prefix) {
        return get(kind, prefix) != null;
    }

    synchronized void setHits(RuleKind kind, String prefix, long hits) {
        Rule r = lists.get(kind).get(Prefix.parse(prefix));
        lists.get(kind).put(r.prefix(), new Rule(r.prefix(), kind, r.serial(), r.auto(), r.expires(), hits));
    }

    synchronized int size(RuleKind kind) {
        return lists.get(kind).size();
    }
}

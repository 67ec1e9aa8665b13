package io.synguard.policy;

import io.synguard.dataplane.Rule;
import io.synguard.dataplane.RuleKind;
import io.synguard.dataplane.RuleSpec;
import io.synguard.net.Prefix;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Start-up: the entries rebuilt from the journal, and the data plane made to agree with them. What
 * the journal holds and the data plane lacks (after a reboot, say) goes back in; what the data
 * plane holds that the journal does not (a change enforced, then a crash before it was journaled)
 * is adopted, as the data plane is authoritative; what has lapsed, or was last removed, goes.
 */
final class Restore {
    private final RuleStore store;
    private final Entries entries;
    private final Instant now;
    private int reinstated;
    private int adopted;
    private int lapsed;

    private Restore(RuleStore store, Entries entries, Instant now) {
        this.store = store;
        this.entries = entries;
        this.now = now;
    }

    /** Fills entries, empty before, from what was journaled and what store holds; what it did. */
    static Restore run(JournalCodec.Replayed journaled, RuleStore store, Entries entries, Instant now) {
        Restore restore = new Restore(store, entries, now);
        for (RuleKind kind : RuleKind.values()) {
            restore.reconcile(kind, journaled);
        }
        return restore;
    }

    /** Entries the journal had and the data plane lacked. */
    int reinstated() {
        return reinstated;
    }

    /** Entries the data plane had and the journal lacked. */
    int adopted() {
        return adopted;
    }

    /** Entries the data plane had that were dropped as expired or removed. */
    int lapsed() {
        return lapsed;
    }

    /**
     * Without a map of what the data plane holds: whether it holds a journaled entry is asked of its
     * index, and what it holds is visited once, so a million entries restore in what the policy
     * holds of them.
     */
    private void reconcile(RuleKind kind, JournalCodec.Replayed journaled) {
        List<RuleSpec> missing = new ArrayList<>();
        for (Entry e : journaled.entries(kind)) {
            if (e.expiredAt(now)) {
                continue;
            }
            if (!enforced(kind, e.prefix())) {
                missing.add(new RuleSpec(e.prefix(), e.origin() == Origin.AUTO, e.expires()));
            }
            entries.put(e);
        }
        store.putAll(kind, missing);
        reinstated += missing.size();
        List<Prefix> dropped = new ArrayList<>();
        store.forEach(kind, r -> {
            if (entries.get(kind, r.prefix()) != null) {
                return;
            }
            Entry e = new Entry(kind, r.prefix(), r.auto() ? Origin.AUTO : Origin.OPERATOR, null, now, r.expires());
            if (e.expiredAt(now) || journaled.removed(kind, r.prefix())) {
                dropped.add(r.prefix());
            } else {
                entries.put(e);
                adopted++;
            }
        });
        dropped.forEach(p -> store.remove(kind, p));
        lapsed += dropped.size();
    }

    /** Whether the data plane holds an entry of exactly this prefix. */
    private boolean enforced(RuleKind kind, Prefix prefix) {
        return store.longestContaining(kind, prefix).filter(p -> p.length() == prefix.length()).isPresent();
    }
}

package io.synguard.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.synguard.config.Settings;
import io.synguard.dataplane.Rule;
import io.synguard.dataplane.RuleKind;
import io.synguard.dataplane.RuleSpec;
import io.synguard.net.Family;
import io.synguard.net.Prefix;
import io.synguard.state.Journal;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The allow- and blocklists as an operator sees them: every entry with its origin, reason, age and
 * expiry, in step with the data plane (which enforces) and the journal (which remembers). A change
 * reaches the data plane first, then the journal, which is forced to disk before the change is
 * acknowledged: what was acknowledged survives a crash, and what was enforced but not yet
 * journaled is adopted back from the pinned maps on the next start.
 *
 * <p>Caffeine holds the entries and their expiries; {@link #expire} (the daemon calls it every
 * quarter second) takes lapsed entries out of the data plane promptly, and Caffeine's own expiry,
 * should it come first, does the same. Thread-safe: every change holds this object's lock.
 */
public final class Policy {
    private static final Logger LOG = LoggerFactory.getLogger(Policy.class);
    /** Compact the journal once it holds this many records more than the state it describes. */
    private static final long COMPACT_SLACK = 10_000;
    /** Entries of a bulk import handled together (see putAll). */
    private static final int SLICE = 65_536;

    private final RuleStore store;
    private final Journal journal;
    private final InstantSource clock;
    private final Executor background;
    private final Map<RuleKind, Cache<Prefix, Entry>> lists = new EnumMap<>(RuleKind.class);
    /** Allows of each length, per family: to test "is this allowed?" with a few lookups. */
    private final Map<Family, int[]> allowLengths = new EnumMap<>(Family.class);
    /**
     * Entries with an expiry, soonest first, for {@link #expire}: Caffeine hides an entry from the moment it
     * lapses until its timer wheel evicts it, a second or more later, and lists the others only roughly in
     * order, so its own view cannot tell the sweep what is due.
     */
    private final NavigableSet<Due> dues = new TreeSet<>(
            Comparator.comparing(Due::expires).thenComparing(Due::kind).thenComparing(Due::prefix));
    /** Entries that lapsed since {@link #expire} last counted, whichever way they went. */
    private int lapsedUncounted;
    private Settings settings;

    /**
     * @param background where journal snapshots are written, away from the caller
     */
    public Policy(RuleStore store, Journal journal, InstantSource clock, Ticker ticker, Executor background) {
        this.store = store;
        this.journal = journal;
        this.clock = clock;
        this.background = background;
        for (RuleKind kind : RuleKind.values()) {
            lists.put(kind, Caffeine.newBuilder()
                    .ticker(ticker)
                    .executor(Runnable::run)
                    .expireAfter(new UntilExpires())
                    .<Prefix, Entry>evictionListener((prefix, entry, cause) -> {
                        if (prefix != null && cause.wasEvicted()) {
                            forgetDue(entry);
                            lapsed(kind, prefix);
                        }
                    })
                    .build());
        }
        allowLengths.put(Family.V4, new int[33]);
        allowLengths.put(Family.V6, new int[129]);
        this.settings = Settings.DEFAULTS;
    }

    // ---- start-up ------------------------------------------------------------------------------

    /**
     * Rebuilds the lists from the journal and makes the data plane agree: what the journal holds and
     * the data plane lacks (after a reboot, say) goes back in; what the data plane holds that the
     * journal does not (a change enforced, then a crash before it was journaled) is adopted, as the
     * data plane is authoritative; what has lapsed goes. Returns the settings the journal last held.
     */
    public synchronized Restored restore(Settings fallback) {
        Instant now = clock.instant();
        Map<RuleKind, Map<Prefix, Entry>> wanted = new EnumMap<>(RuleKind.class);
        wanted.put(RuleKind.BLOCK, new LinkedHashMap<>());
        wanted.put(RuleKind.ALLOW, new LinkedHashMap<>());
        Settings[] journaled = {null};
        journal.replay(record -> Records.apply(record, wanted, s -> journaled[0] = s));
        settings = journaled[0] != null ? journaled[0] : fallback;

        int reinstated = 0;
        int adopted = 0;
        int lapsed = 0;
        for (RuleKind kind : RuleKind.values()) {
            Map<Prefix, Rule> enforced = new HashMap<>();
            for (Rule r : store.list(kind)) {
                enforced.put(r.prefix(), r);
            }
            List<RuleSpec> missing = new ArrayList<>();
            for (Entry e : wanted.get(kind).values()) {
                if (e.expiredAt(now)) {
                    continue;
                }
                if (!enforced.containsKey(e.prefix())) {
                    missing.add(new RuleSpec(e.prefix(), e.origin() == Origin.AUTO, e.expires()));
                }
                track(e);
            }
            store.putAll(kind, missing);
            reinstated += missing.size();
            for (Rule r : enforced.values()) {
                Entry known = lists.get(kind).getIfPresent(r.prefix());
                if (known != null) {
                    continue;
                }
                Entry e = new Entry(kind, r.prefix(), r.auto() ? Origin.AUTO : Origin.OPERATOR, null, now, r.expires());
                if (e.expiredAt(now) || Records.removed(wanted, kind, r.prefix())) {
                    store.remove(kind, r.prefix());
                    lapsed++;
                } else {
                    track(e);
                    adopted++;
                }
            }
        }
        snapshot();
        return new Restored(settings, reinstated, adopted, lapsed, size(RuleKind.BLOCK), size(RuleKind.ALLOW));
    }

    /**
     * What a start found.
     *
     * @param settings   the settings last journaled, or the fallback
     * @param reinstated entries the journal had and the data plane lacked
     * @param adopted    entries the data plane had and the journal lacked
     * @param lapsed     entries dropped as expired or removed
     * @param blocks     blocks now
     * @param allows     allows now
     */
    public record Restored(Settings settings, int reinstated, int adopted, int lapsed, long blocks, long allows) {}

    // ---- changes -------------------------------------------------------------------------------

    /**
     * Adds or replaces an entry; the entry before (or null) and after, for the audit log. An auto
     * block of an allowed prefix is refused: nothing changes, and after is the entry before.
     *
     * @param ttl how long it lasts; null for ever
     */
    public synchronized Change put(RuleKind kind, Prefix prefix, Duration ttl, String reason, Origin origin) {
        takeOutLapsed(kind, prefix);
        Entry before = lists.get(kind).getIfPresent(prefix);
        if (kind == RuleKind.BLOCK && origin == Origin.AUTO && allowed(prefix)) {
            return new Change(before, before);
        }
        Entry after = entry(kind, prefix, ttl, reason, origin);
        store.put(kind, prefix, origin == Origin.AUTO, after.expires());
        track(after);
        journal.append(Records.put(after));
        compactIfDue();
        return new Change(before, after);
    }

    /**
     * Adds or replaces many entries of one kind, {@value #SLICE} at a time: each slice goes to the
     * data plane in batches and to the journal in one write, so a 1M-entry import never holds more
     * than a slice of its intermediate objects. How many.
     */
    public synchronized int putAll(RuleKind kind, List<Request> requests, Origin origin) {
        for (int from = 0; from < requests.size(); from += SLICE) {
            List<Request> slice = requests.subList(from, Math.min(requests.size(), from + SLICE));
            List<Entry> entries = new ArrayList<>(slice.size());
            List<RuleSpec> specs = new ArrayList<>(slice.size());
            for (Request r : slice) {
                takeOutLapsed(kind, r.prefix());
                Entry e = entry(kind, r.prefix(), r.ttl(), r.reason(), origin);
                entries.add(e);
                specs.add(new RuleSpec(e.prefix(), origin == Origin.AUTO, e.expires()));
            }
            store.putAll(kind, specs);
            entries.forEach(this::track);
            journal.append(entries.stream().map(Records::put).toList());
        }
        compactIfDue();
        return requests.size();
    }

    /** One entry of a bulk import. */
    public record Request(Prefix prefix, Duration ttl, String reason) {}

    /** Removes an entry; what it was, or empty if there was none. */
    public synchronized Optional<Entry> remove(RuleKind kind, Prefix prefix) {
        Entry before = lists.get(kind).asMap().remove(prefix);
        forgetDue(before);
        boolean enforced = store.remove(kind, prefix);
        if (before == null && !enforced) {
            return Optional.empty();
        }
        if (before != null && kind == RuleKind.ALLOW) {
            allowLengths.get(prefix.family())[prefix.length()]--;
        }
        journal.append(Records.remove(kind, prefix));
        compactIfDue();
        return Optional.ofNullable(before).or(() -> Optional.of(
                new Entry(kind, prefix, Origin.OPERATOR, null, clock.instant(), null)));
    }

    /** Takes out every entry whose time has come; how many. */
    public synchronized int expire() {
        Instant now = clock.instant();
        while (!dues.isEmpty() && !dues.first().expires().isAfter(now)) {
            Due d = dues.pollFirst();
            // if Caffeine counts it lapsed already, removing it evicts it and its evictionListener calls lapsed
            if (lists.get(d.kind()).asMap().remove(d.prefix()) != null) {
                lapsed(d.kind(), d.prefix());
            }
        }
        int n = lapsedUncounted;
        lapsedUncounted = 0;
        return n;
    }

    /** Settings as journaled; the caller applies them to the data plane. */
    public synchronized Settings settings() {
        return settings;
    }

    /** Journals new settings; the caller has applied them. */
    public synchronized void saveSettings(Settings s) {
        settings = s;
        journal.append(Records.settings(s));
        compactIfDue();
    }

    // ---- questions -----------------------------------------------------------------------------

    /** Every entry of a list with its hits, IPv4 first, in address order. */
    public List<Listed> list(RuleKind kind) {
        List<Entry> entries;
        synchronized (this) {
            entries = new ArrayList<>(lists.get(kind).asMap().values());
        }
        entries.sort(Comparator.comparing(Entry::prefix));
        List<Listed> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(new Listed(e, store.hits(kind, e.prefix())));
        }
        return out;
    }

    /** An entry with the SYNs it matched. */
    public record Listed(Entry entry, long hits) {}

    /** SYNs an entry matched; 0 if there is none. */
    public long hitsOf(RuleKind kind, Prefix prefix) {
        return store.hits(kind, prefix);
    }

    public synchronized Optional<Entry> get(RuleKind kind, Prefix prefix) {
        return Optional.ofNullable(lists.get(kind).getIfPresent(prefix));
    }

    public synchronized long size(RuleKind kind) {
        return lists.get(kind).estimatedSize();
    }

    /** Counts per origin, for metrics. */
    public synchronized Map<Origin, Long> countByOrigin(RuleKind kind) {
        Map<Origin, Long> counts = new EnumMap<>(Origin.class);
        for (Origin o : Origin.values()) {
            counts.put(o, 0L);
        }
        lists.get(kind).asMap().values().forEach(e -> counts.merge(e.origin(), 1L, Long::sum));
        return counts;
    }

    /** Whether some allow contains prefix: detection never blocks such a prefix by itself. */
    public synchronized boolean allowed(Prefix prefix) {
        int[] lengths = allowLengths.get(prefix.family());
        Cache<Prefix, Entry> allows = lists.get(RuleKind.ALLOW);
        for (int len = prefix.length(); len >= 0; len--) {
            if (lengths[len] > 0 && allows.getIfPresent(prefix.truncate(len)) != null) {
                return true;
            }
        }
        return false;
    }

    /** Whether prefix is blocked by an entry of its own. */
    public synchronized boolean blocked(Prefix prefix) {
        return lists.get(RuleKind.BLOCK).getIfPresent(prefix) != null;
    }

    // ---- inside --------------------------------------------------------------------------------

    private Entry entry(RuleKind kind, Prefix prefix, Duration ttl, String reason, Origin origin) {
        Instant now = clock.instant();
        return new Entry(kind, prefix, origin, reason, now, ttl == null ? null : now.plus(ttl));
    }

    private void track(Entry e) {
        Entry before = lists.get(e.kind()).asMap().put(e.prefix(), e);
        if (before == null && e.kind() == RuleKind.ALLOW) {
            allowLengths.get(e.prefix().family())[e.prefix().length()]++;
        }
        forgetDue(before);
        if (e.expires() != null) {
            dues.add(new Due(e.expires(), e.kind(), e.prefix()));
        }
    }

    /**
     * Evicts an entry that lapsed but is still held, before a successor reaches the data plane: evicted
     * later, when the successor replaces it, it would take the successor out of the data plane.
     */
    private void takeOutLapsed(RuleKind kind, Prefix prefix) {
        Cache<Prefix, Entry> cache = lists.get(kind);
        if (cache.getIfPresent(prefix) == null) {
            cache.asMap().remove(prefix);
        }
    }

    private void forgetDue(Entry e) {
        if (e != null && e.expires() != null) {
            dues.remove(new Due(e.expires(), e.kind(), e.prefix()));
        }
    }

    /** When an entry lapses. */
    private record Due(Instant expires, RuleKind kind, Prefix prefix) {}

    /** An entry's time came: it leaves the data plane. */
    private void lapsed(RuleKind kind, Prefix prefix) {
        if (kind == RuleKind.ALLOW) {
            allowLengths.get(prefix.family())[prefix.length()]--;
        }
        store.remove(kind, prefix);
        lapsedUncounted++;
        LOG.info("{} {} expired", kind == RuleKind.BLOCK ? "block" : "allow", prefix);
    }

    private void compactIfDue() {
        if (journal.sinceSnapshot() > COMPACT_SLACK + size(RuleKind.BLOCK) + size(RuleKind.ALLOW)) {
            snapshot();
        }
    }

    /** Rotates the journal now and writes the state of this moment in the background. */
    private void snapshot() {
        Journal.SnapshotWriter writer = journal.rotate();
        List<Object> state = new ArrayList<>();
        state.add(Records.settings(settings));
        for (RuleKind kind : RuleKind.values()) {
            lists.get(kind).asMap().values().forEach(e -> state.add(Records.put(e)));
        }
        background.execute(() -> {
            try {
                writer.write(state);
            } catch (RuntimeException e) {
                LOG.error("cannot write a journal snapshot; the journal keeps growing until one succeeds", e);
            }
        });
    }

    /** Expiry from each entry's own time, read off the injected ticker. */
    private final class UntilExpires implements Expiry<Prefix, Entry> {
        @Override
        public long expireAfterCreate(Prefix key, Entry value, long currentTime) {
            if (value.expires() == null) {
                return Long.MAX_VALUE;
            }
            return Math.max(0, Duration.between(clock.instant(), value.expires()).toNanos());
        }

        @Override
        public long expireAfterUpdate(Prefix key, Entry value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(Prefix key, Entry value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    /**
     * One change, for the audit log.
     *
     * @param before the entry before, or null
     * @param after  the entry after
     */
    public record Change(Entry before, Entry after) {}

    /** Journal records: their shapes, and replaying them. */
    static final class Records {
        private Records() {}

        static Object put(Entry e) {
            return new Put(e.kind() == RuleKind.BLOCK ? "block" : "allow", e.prefix().toString(), e.origin(), e.reason(),
                    e.created().toString(), e.expires() == null ? null : e.expires().toString());
        }

        static Object remove(RuleKind kind, Prefix p) {
            return new Remove(kind == RuleKind.BLOCK ? "unblock" : "disallow", p.toString());
        }

        static Object settings(Settings s) {
            return new SettingsRecord("config", s);
        }

        static void apply(JsonNode r, Map<RuleKind, Map<Prefix, Entry>> lists, Consumer<Settings> settings) {
            String op = r.path("op").asText();
            switch (op) {
                case "block", "allow" -> {
                    RuleKind kind = op.equals("block") ? RuleKind.BLOCK : RuleKind.ALLOW;
                    Prefix p = Prefix.parse(r.get("prefix").asText());
                    Origin origin = r.path("origin").asText().equals("auto") ? Origin.AUTO : Origin.OPERATOR;
                    JsonNode reason = r.get("reason");
                    JsonNode expires = r.get("expires");
                    lists.get(kind).put(p, new Entry(kind, p, origin,
                            reason == null || reason.isNull() ? null : reason.asText(),
                            Instant.parse(r.get("created").asText()),
                            expires == null || expires.isNull() ? null : Instant.parse(expires.asText())));
                }
                case "unblock" -> lists.get(RuleKind.BLOCK).put(Prefix.parse(r.get("prefix").asText()), REMOVED);
                case "disallow" -> lists.get(RuleKind.ALLOW).put(Prefix.parse(r.get("prefix").asText()), REMOVED);
                case "config" -> settings.accept(Settings.parse(r.get("config")));
                default -> throw new IllegalStateException("unknown journal record '" + op + "': " + r);
            }
        }

        /** Whether the journal's last word on prefix was to remove it. */
        static boolean removed(Map<RuleKind, Map<Prefix, Entry>> lists, RuleKind kind, Prefix prefix) {
            return lists.get(kind).get(prefix) == REMOVED;
        }

        /** Stands for "removed" while replaying; never leaves this class. */
        private static final Entry REMOVED = new Entry(RuleKind.BLOCK, Prefix.parse("0.0.0.0/0"), Origin.OPERATOR,
                null, Instant.EPOCH, Instant.EPOCH);

        record Put(String op, String prefix, Origin origin, String reason, String created, String expires) {}

        record Remove(String op, String prefix) {}

        record SettingsRecord(String op, Settings config) {}
    }
}

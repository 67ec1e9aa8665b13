package io.synguard.policy;

import io.synguard.config.Settings;
import io.synguard.dataplane.RuleKind;
import io.synguard.dataplane.RuleSpec;
import io.synguard.dataplane.RuleTableFullException;
import io.synguard.net.Prefix;
import io.synguard.state.Journal;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The allow- and blocklists as an operator sees them: every entry with its origin, reason, age and
 * expiry, in step with the data plane (which enforces) and the journal (which remembers). A change
 * reaches the data plane first, then the journal, which is forced to disk before the change is
 * acknowledged: what was acknowledged survives a crash, and what was enforced but not yet
 * journaled is adopted back from the pinned maps on the next start.
 *
 * <p>Time is the injected clock's. An entry lapses when its expiry comes: from then on questions
 * no longer see it, and {@link #expire} (the daemon calls it every quarter second) takes it out of
 * the data plane; a change to a lapsed entry's prefix takes it out first. Questions change nothing.
 * Thread-safe: every change holds this object's lock.
 */
public final class Policy {
    private static final Logger LOG = LoggerFactory.getLogger(Policy.class);
    /** Compact the journal once it holds this many records more than the state it describes. */
    private static final long COMPACT_SLACK = 10_000;
    /** Entries of a batch handled together (see putAll). */
    private static final int SLICE = 65_536;
    /** Entries {@link #list} reads at a time. */
    private static final int LIST_CHUNK = 4096;

    private final RuleStore store;
    private final Journal journal;
    private final InstantSource clock;
    private final Executor background;
    private final Entries entries = new Entries();
    /** Per kind, the order of its entries for listings, and the change count it was made at. */
    private final SortedKeys[] sorted = new SortedKeys[RuleKind.values().length];
    private final long[] sortedVersion = new long[RuleKind.values().length];
    /** Entries that lapsed since {@link #expire} last counted, whichever way they went. */
    private int lapsedUncounted;
    private Settings settings = Settings.DEFAULTS;
    private Listener listener = Listener.NONE;

    /**
     * @param background where journal snapshots are written, away from the caller
     */
    public Policy(RuleStore store, Journal journal, InstantSource clock, Executor background) {
        this.store = store;
        this.journal = journal;
        this.clock = clock;
        this.background = background;
    }

    // ---- start-up ------------------------------------------------------------------------------

    /**
     * Rebuilds the lists from the journal and makes the data plane agree ({@link Restore}). Returns
     * the settings the journal last held, or the fallback.
     */
    public synchronized Restored restore(Settings fallback) {
        JournalCodec.Replayed journaled = JournalCodec.replay(journal);
        settings = journaled.settings() != null ? journaled.settings() : fallback;
        Restore done = Restore.run(journaled, store, entries, clock.instant());
        snapshot();
        return new Restored(settings, done.reinstated(), done.adopted(), done.lapsed(), size(RuleKind.BLOCK),
                size(RuleKind.ALLOW));
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

    /**
     * Told of every change this host makes (an operator's or detection's), journaled and under this
     * object's lock, so in the order they happened: what a fleet publishes. Entries taken from the
     * fleet ({@link #adoptAll}, {@link #retract}) and expiries are not told.
     */
    public interface Listener {
        Listener NONE = new Listener() {
            @Override
            public void put(List<Entry> entries) {}

            @Override
            public void removed(RuleKind kind, Prefix prefix, Entry before, Instant at) {}
        };

        /** Entries added or replaced, of one kind. */
        void put(List<Entry> entries);

        /** An entry removed at a time; before is what it was, or null if only the data plane held it. */
        void removed(RuleKind kind, Prefix prefix, Entry before, Instant at);
    }

    public synchronized void listen(Listener l) {
        listener = l;
    }

    // ---- changes -------------------------------------------------------------------------------

    /**
     * Adds or replaces an entry; the entry before (or null) and after, for the audit log. An auto
     * block of an allowed prefix is refused: nothing changes, and after is the entry before.
     *
     * @param ttl how long it lasts; null for ever
     */
    public synchronized Change put(RuleKind kind, Prefix prefix, Duration ttl, String reason, Origin origin) {
        Instant now = clock.instant();
        takeOutLapsed(kind, prefix, now);
        Entry before = entries.get(kind, prefix);
        if (refused(kind, prefix, origin)) {
            return new Change(before, before);
        }
        Entry after = entry(kind, prefix, ttl, reason, origin, now);
        store.put(kind, prefix, origin == Origin.AUTO, after.expires());
        entries.put(after);
        journal.append(JournalCodec.put(after));
        compactIfDue();
        listener.put(List.of(after));
        return new Change(before, after);
    }

    /**
     * Adds or replaces many entries of one kind, as {@link #put} each, {@value #SLICE} at a time:
     * each slice goes to the data plane in batches and to the journal in one write, forced to disk
     * once, so a 1M-entry import never holds more than a slice of its intermediate objects, and a
     * detector's blocks of one interval cost one sync. An operator's go in address order
     * ({@link #inTrieOrder}). A slice's journal lines are encoded on another thread while the data
     * plane takes it, and written after. How many went in (auto blocks of allowed prefixes do not).
     */
    public synchronized int putAll(RuleKind kind, List<Request> requests, Origin origin) {
        Instant now = clock.instant();
        List<Request> ordered = inTrieOrder(requests, origin);
        int added = 0;
        for (int from = 0; from < ordered.size(); from += SLICE) {
            List<Request> slice = ordered.subList(from, Math.min(ordered.size(), from + SLICE));
            List<Entry> batch = new ArrayList<>(slice.size());
            List<RuleSpec> specs = new ArrayList<>(slice.size());
            for (Request r : slice) {
                takeOutLapsed(kind, r.prefix(), now);
                if (!refused(kind, r.prefix(), origin)) {
                    Entry e = entry(kind, r.prefix(), r.ttl(), r.reason(), origin, now);
                    batch.add(e);
                    specs.add(new RuleSpec(e.prefix(), origin == Origin.AUTO, e.expires()));
                }
            }
            CompletableFuture<Journal.Lines> lines = CompletableFuture.supplyAsync(() -> encode(batch));
            try {
                store.putAll(kind, specs);
            } catch (RuleTableFullException full) {
                if (origin != Origin.AUTO) {
                    throw full;
                }
                List<Entry> fitted = batch.subList(0, putWhileRoom(kind, specs));
                record(fitted, encode(fitted));
                throw full;
            }
            record(batch, lines.join());
            added += batch.size();
        }
        compactIfDue();
        return added;
    }

    /**
     * An operator's requests in address order (a stable sort: of a prefix given twice, the last still
     * wins), as the data plane takes them fastest when the whole import is in order rather than each
     * slice (1M prefixes: 3.2-4.9 s against 4.1-10.1 s by slices, batched, on a loaded 2-core VM). A
     * detector's keep their order, which says which go in first should the table fill.
     */
    private static List<Request> inTrieOrder(List<Request> requests, Origin origin) {
        if (origin == Origin.AUTO) {
            return requests;
        }
        List<Request> ordered = new ArrayList<>(requests);
        ordered.sort(Comparator.comparing(Request::prefix));
        return ordered;
    }

    /**
     * A detector's blocks that do not all fit go in one by one, in order, until the table is full,
     * as they did before they were batched; how many went in.
     */
    private int putWhileRoom(RuleKind kind, List<RuleSpec> specs) {
        for (int i = 0; i < specs.size(); i++) {
            RuleSpec s = specs.get(i);
            try {
                store.put(kind, s.prefix(), s.auto(), s.expires());
            } catch (RuleTableFullException full) {
                return i;
            }
        }
        return specs.size();
    }

    private Journal.Lines encode(List<Entry> batch) {
        return journal.encode(batch.stream().map(JournalCodec::put).toList());
    }

    /** Holds and journals a batch the data plane has taken: its lines are {@link #encode}'s. */
    private void record(List<Entry> batch, Journal.Lines lines) {
        batch.forEach(entries::put);
        journal.append(lines);
        if (!batch.isEmpty() && batch.getFirst().origin() != Origin.FLEET) {
            listener.put(List.copyOf(batch));
        }
    }

    /** One entry of a batch. */
    public record Request(Prefix prefix, Duration ttl, String reason) {}

    /** Removes an entry; what it was, or empty if there was none. */
    public synchronized Optional<Entry> remove(RuleKind kind, Prefix prefix) {
        Instant now = clock.instant();
        takeOutLapsed(kind, prefix, now);
        Entry before = entries.remove(kind, prefix);
        boolean enforced = store.remove(kind, prefix);
        if (before == null && !enforced) {
            return Optional.empty();
        }
        journal.append(JournalCodec.remove(kind, prefix));
        compactIfDue();
        listener.removed(kind, prefix, before, now);
        return Optional.ofNullable(before).or(() -> Optional.of(
                new Entry(kind, prefix, Origin.OPERATOR, null, now, null)));
    }

    /**
     * Takes entries another member of the fleet made, each as it is (origin fleet, its host, its
     * absolute expiry), {@value #SLICE} at a time like {@link #putAll}; an entry lapsed already, or
     * older than or as old as the one here, is left out. The entries taken.
     */
    public synchronized List<Entry> adoptAll(List<Entry> remote) {
        Instant now = clock.instant();
        List<Entry> taken = new ArrayList<>();
        for (int from = 0; from < remote.size(); from += SLICE) {
            Map<RuleKind, List<Entry>> batches = new EnumMap<>(RuleKind.class);
            for (Entry e : remote.subList(from, Math.min(remote.size(), from + SLICE))) {
                takeOutLapsed(e.kind(), e.prefix(), now);
                Entry here = entries.get(e.kind(), e.prefix());
                if (!e.expiredAt(now) && (here == null || here.created().isBefore(e.created()))) {
                    batches.computeIfAbsent(e.kind(), k -> new ArrayList<>()).add(e);
                }
            }
            batches.forEach((kind, batch) -> {
                store.putAll(kind, batch.stream().map(e -> new RuleSpec(e.prefix(), false, e.expires())).toList());
                record(batch, encode(batch));
                taken.addAll(batch);
            });
        }
        compactIfDue();
        return taken;
    }

    /**
     * Another member removed prefix at a time: the entry here goes unless it was made later. Whether
     * one went. Not told to the listener.
     */
    public synchronized boolean retract(RuleKind kind, Prefix prefix, Instant at) {
        Instant now = clock.instant();
        takeOutLapsed(kind, prefix, now);
        Entry here = entries.get(kind, prefix);
        if (here == null || here.created().isAfter(at)) {
            return false;
        }
        entries.remove(kind, prefix);
        store.remove(kind, prefix);
        journal.append(JournalCodec.remove(kind, prefix));
        compactIfDue();
        return true;
    }

    /** Takes out every entry whose time has come; how many lapsed since the last call. */
    public synchronized int expire() {
        Instant now = clock.instant();
        for (Entry e; (e = entries.takeDue(now)) != null; ) {
            lapsed(e);
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
        journal.append(JournalCodec.settings(s));
        compactIfDue();
    }

    // ---- questions -----------------------------------------------------------------------------

    /** A number that changes whenever a list does (any origin, expiries too): what to list again on. */
    public synchronized long changes() {
        return entries.version();
    }

    /**
     * Every entry of a list with its hits, IPv4 first, in address order, read a chunk at a time as
     * the iteration goes (see {@link Listing}): a million entries are never all objects at once.
     */
    public Iterable<Listed> each(RuleKind kind) {
        return () -> new Iterator<>() {
            private final Listing all = listing(kind, null, Integer.MAX_VALUE);
            private Iterator<Listed> chunk = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                if (!chunk.hasNext()) {
                    chunk = all.next(LIST_CHUNK).iterator();
                }
                return chunk.hasNext();
            }

            @Override
            public Listed next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return chunk.next();
            }
        };
    }

    /**
     * The entries of a list in {@link Prefix}'s order (IPv4 first, by address, shorter first), read a
     * chunk at a time: those after a prefix (null: from the first), at most limit of them.
     */
    public Listing listing(RuleKind kind, Prefix after, int limit) {
        SortedKeys keys;
        synchronized (this) {
            if (sortedVersion[kind.ordinal()] != entries.version() || sorted[kind.ordinal()] == null) {
                sorted[kind.ordinal()] = entries.sortedKeys(kind);
                sortedVersion[kind.ordinal()] = entries.version();
            }
            keys = sorted[kind.ordinal()];
        }
        return new Listing(this, kind, keys, after == null ? 0 : keys.firstAfter(after), limit);
    }

    /** The entries of these prefixes that are held and have not lapsed, in the same order, with their hits. */
    List<Listed> liveOf(RuleKind kind, List<Prefix> prefixes) {
        List<Entry> live = new ArrayList<>(prefixes.size());
        synchronized (this) {
            Instant now = clock.instant();
            for (Prefix p : prefixes) {
                Entry e = live(kind, p, now);
                if (e != null) {
                    live.add(e);
                }
            }
        }
        return live.stream().map(e -> new Listed(e, store.hits(kind, e.prefix()))).toList();
    }

    /** An entry with the SYNs it matched. */
    public record Listed(Entry entry, long hits) {}

    /** SYNs an entry matched; 0 if there is none. */
    public long hitsOf(RuleKind kind, Prefix prefix) {
        return store.hits(kind, prefix);
    }

    public synchronized Optional<Entry> get(RuleKind kind, Prefix prefix) {
        return Optional.ofNullable(live(kind, prefix, clock.instant()));
    }

    /** Entries held, counting those lapsed that {@link #expire} has not taken out yet. */
    public synchronized long size(RuleKind kind) {
        return entries.size(kind);
    }

    /** Counts per origin, for metrics: operator and auto always, fleet once some entry came from it. */
    public synchronized Map<Origin, Long> countByOrigin(RuleKind kind) {
        Map<Origin, Long> counts = new EnumMap<>(Origin.class);
        counts.put(Origin.OPERATOR, 0L);
        counts.put(Origin.AUTO, 0L);
        entries.countLive(kind, clock.instant(), counts);
        return counts;
    }

    /**
     * Whether some allow contains prefix: detection never blocks such a prefix by itself. The data
     * plane's index finds the longest allow; should that one have lapsed, the next shorter is asked for.
     */
    public synchronized boolean allowed(Prefix prefix) {
        if (entries.size(RuleKind.ALLOW) == 0) {
            return false; // no index to ask: a flood's tick asks this of every block it plans
        }
        Instant now = clock.instant();
        Optional<Prefix> allow = store.longestContaining(RuleKind.ALLOW, prefix);
        while (allow.isPresent()) {
            Prefix a = allow.get();
            if (live(RuleKind.ALLOW, a, now) != null) {
                return true;
            }
            allow = a.length() == 0 ? Optional.empty()
                    : store.longestContaining(RuleKind.ALLOW, a.truncate(a.length() - 1));
        }
        return false;
    }

    /** Whether prefix is blocked by an entry of its own. */
    public synchronized boolean blocked(Prefix prefix) {
        return live(RuleKind.BLOCK, prefix, clock.instant()) != null;
    }

    // ---- inside --------------------------------------------------------------------------------

    private static Entry entry(RuleKind kind, Prefix prefix, Duration ttl, String reason, Origin origin, Instant now) {
        return new Entry(kind, prefix, origin, reason, now, ttl == null ? null : now.plus(ttl));
    }

    /** Whether a put is refused: an auto block of an allowed prefix. */
    private boolean refused(RuleKind kind, Prefix prefix, Origin origin) {
        return kind == RuleKind.BLOCK && origin == Origin.AUTO && allowed(prefix);
    }

    /** The entry of prefix if it has not lapsed; else null. */
    private Entry live(RuleKind kind, Prefix prefix, Instant now) {
        Entry e = entries.get(kind, prefix);
        return e == null || e.expiredAt(now) ? null : e;
    }

    /**
     * Takes out an entry that lapsed but is still held, before a change to its prefix: the change
     * then starts from nothing, as it would after the sweep.
     */
    private void takeOutLapsed(RuleKind kind, Prefix prefix, Instant now) {
        Entry held = entries.get(kind, prefix);
        if (held != null && held.expiredAt(now)) {
            entries.remove(kind, prefix);
            lapsed(held);
        }
    }

    /** An entry's time came: it leaves the data plane. */
    private void lapsed(Entry e) {
        store.remove(e.kind(), e.prefix());
        lapsedUncounted++;
        LOG.info("{} {} expired", e.kind() == RuleKind.BLOCK ? "block" : "allow", e.prefix());
    }

    private void compactIfDue() {
        if (journal.sinceSnapshot() > COMPACT_SLACK + size(RuleKind.BLOCK) + size(RuleKind.ALLOW)) {
            snapshot();
        }
    }

    /** Rotates the journal now and writes the state of this moment in the background. */
    private void snapshot() {
        Journal.SnapshotWriter writer = journal.rotate();
        Object settingsRecord = JournalCodec.settings(settings);
        Stream<Entry> held = entries.copyAll();
        Iterable<Object> state = () -> Stream.concat(Stream.of(settingsRecord), held.map(JournalCodec::put)).iterator();
        background.execute(() -> {
            try {
                writer.write(state);
            } catch (RuntimeException e) {
                LOG.error("cannot write a journal snapshot; the journal keeps growing until one succeeds", e);
            }
        });
    }

    /**
     * One change, for the audit log.
     *
     * @param before the entry before, or null
     * @param after  the entry after
     */
    public record Change(Entry before, Entry after) {}
}

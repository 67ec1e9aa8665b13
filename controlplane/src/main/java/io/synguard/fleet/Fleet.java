package io.synguard.fleet;

import io.synguard.dataplane.RuleKind;
import io.synguard.net.Prefix;
import io.synguard.policy.Entry;
import io.synguard.policy.Origin;
import io.synguard.policy.Policy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host as a member of a fleet: its own changes published to the shared store, the others'
 * applied here as origin fleet. The local lists stay authoritative and the engine only
 * distributes: an engine away lifts nothing and stops nothing; this host's changes queue
 * ({@link Pending}) and go out when it answers again.
 *
 * <p>One worker does everything that talks to the engine or applies what it said, one step at a
 * time ({@link #step}): list the store and watch from the revision listed (again after a compacted
 * revision, a failed watch or a silent one), apply what the watch reports, publish the queue
 * ({@link Publisher}), and put a heartbeat, whose own
 * revision coming back through the watch shows the watch is alive.
 */
public final class Fleet implements Policy.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);
    /** How long the tombstone of a permanent entry stays. */
    static final Duration TOMBSTONE_OF_PERMANENT = Duration.ofDays(1);
    private static final Duration RETRY = Duration.ofMillis(500);

    /**
     * How to take part.
     *
     * @param host      this member's id
     * @param root      the key prefix the fleet's keys live under, such as /synguard
     * @param publish   origins of this host's entries that are published (a tombstone: of what it lifted)
     * @param accept    origins of other members' entries that are applied here
     * @param heartbeat how often this member says it is alive; the watch is silent after three
     * @param grace     how long after its expiry the engine keeps a key
     */
    public record Options(String host, String root, Set<Origin> publish, Set<Origin> accept, Duration heartbeat,
                          Duration grace) {}

    private final Options options;
    private final Kv kv;
    private final Policy policy;
    private final InstantSource clock;
    private final Pending pending;
    private final Queue inbox = new Queue();
    private final Publisher publisher;
    /** What the engine holds, as last seen (the publisher's). Worker only. */
    private final Seen seen;
    private final Heartbeats heartbeats;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong relists = new AtomicLong();
    private Thread worker;
    private volatile boolean running = true;
    private volatile boolean connected;
    private volatile long revision;
    private volatile Instant lastSync;
    private boolean synced;
    private int generation;
    private AutoCloseable watch;

    Fleet(Options options, Kv kv, Policy policy, InstantSource clock, Path queueFile) {
        this.options = options;
        this.kv = kv;
        this.policy = policy;
        this.clock = clock;
        this.pending = Pending.open(queueFile, options.root());
        this.publisher = new Publisher(kv, pending, clock, options.grace());
        this.seen = publisher.seen();
        this.heartbeats = new Heartbeats(kv, options, clock);
    }

    /** Joins the fleet through etcd at endpoints; the queue lives in stateDir. Returns at once. */
    public static Fleet start(Options options, List<String> endpoints, Policy policy, InstantSource clock, Path stateDir) {
        Fleet fleet = join(options, EtcdKv.connect(endpoints, clock), policy, clock, stateDir.resolve("fleet-queue.jsonl"));
        fleet.worker = Thread.ofPlatform().name("synguard-fleet").daemon().start(fleet::run);
        LOG.info("member {} of the fleet at {} under {}; {} changes queued from before", options.host(), endpoints,
                options.root(), fleet.pending.size());
        return fleet;
    }

    /** A member on kv that hears policy's changes; nothing runs until {@link #step} is called. */
    static Fleet join(Options options, Kv kv, Policy policy, InstantSource clock, Path queueFile) {
        Fleet fleet = new Fleet(options, kv, policy, clock, queueFile);
        policy.listen(fleet);
        return fleet;
    }

    public FleetStatus status() {
        return new FleetStatus("etcd", options.host(), connected, heartbeats.members(), revision, pending.size(), lastSync,
                publisher.published(), applied.get(), relists.get());
    }

    // ---- this host's changes (under the policy's lock) -----------------------------------------

    @Override
    public void put(List<Entry> entries) {
        Map<String, FleetRecord> changes = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (options.publish().contains(e.origin())) {
                changes.put(FleetRecord.key(options.root(), e.kind(), e.prefix()), FleetRecord.of(e, options.host()));
            }
        }
        queue(changes);
    }

    /**
     * A removal's tombstone carries the origin of the entry it lifts (auto for detection's blocks, so
     * that a member that takes only operator entries skips it too), operator for the rest.
     */
    @Override
    public void removed(RuleKind kind, Prefix prefix, Entry before, Instant at) {
        Origin by = before != null && before.origin() == Origin.AUTO ? Origin.AUTO : Origin.OPERATOR;
        if (options.publish().contains(by)) {
            Instant until = before != null && before.expires() != null && before.expires().isAfter(at)
                    ? before.expires() : at.plus(TOMBSTONE_OF_PERMANENT);
            queue(Map.of(FleetRecord.key(options.root(), kind, prefix),
                    FleetRecord.tombstone(kind, prefix, by, at, until, options.host())));
        }
    }

    private void queue(Map<String, FleetRecord> changes) {
        if (changes.isEmpty()) {
            return;
        }
        try {
            pending.add(changes);
        } catch (UncheckedIOException e) {
            LOG.error("the fleet's queue could not be saved; it goes out from memory, a crash before then loses it", e);
        }
        inbox.offer(() -> {});
    }

    // ---- the worker ----------------------------------------------------------------------------

    private void run() {
        while (running) {
            step();
            if (inbox.isEmpty()) {
                LockSupport.parkNanos((connected ? options.heartbeat() : RETRY).toNanos());
            }
        }
    }

    /** One round: list if need be, apply what the watch said, publish the queue, beat. */
    void step() {
        try {
            if (!synced) {
                sync();
            }
            for (Runnable r; (r = inbox.poll()) != null; ) {
                r.run();
            }
            if (synced) {
                publisher.publish();
                if (!heartbeats.beat(revision)) {
                    disconnect();
                }
            }
        } catch (Kv.KvException e) {
            if (connected) {
                LOG.warn("etcd is away ({}); enforcing what is held, queueing this host's changes", e.getMessage());
            }
            disconnect();
        } catch (RuntimeException e) {
            // the worker must outlive any one failed round (a queue file that cannot be written, a record
            // that cannot be read): it lists again from scratch, as after etcd was away
            LOG.error("the fleet's round failed; listing again", e);
            disconnect();
        }
    }

    private void disconnect() {
        connected = false;
        synced = false;
        closeWatch();
    }

    private void sync() {
        closeWatch();
        Kv.Listing listing = kv.list(options.root() + "/");
        seen.clear();
        heartbeats.clear();
        Map<String, FleetRecord> remote = new LinkedHashMap<>();
        for (Kv.Item i : listing.items()) {
            take(i.key(), i.value(), i.modRevision(), remote);
        }
        apply(remote.values());
        queueMissing();
        if (lastSync != null) {
            relists.incrementAndGet();
        }
        revision = listing.revision();
        int mine = ++generation;
        watch = kv.watch(options.root() + "/", listing.revision() + 1, new Kv.Watcher() {
            @Override
            public void events(List<Kv.Event> events) {
                inbox.offer(() -> {
                    if (mine == generation) {
                        onEvents(events);
                    }
                });
            }

            @Override
            public void compacted() {
                inbox.offer(() -> {
                    if (mine == generation) {
                        LOG.warn("the watch's revision was compacted; listing again");
                        disconnect();
                    }
                });
            }

            @Override
            public void failed(Throwable cause) {
                inbox.offer(() -> {
                    if (mine == generation) {
                        LOG.warn("the watch failed ({}); listing again", cause.toString());
                        disconnect();
                    }
                });
            }
        });
        synced = true;
        connected = true;
        lastSync = clock.instant();
        LOG.info("listed the fleet at revision {}: {} keys, {} members", listing.revision(), listing.items().size(),
                heartbeats.members().size());
    }

    /**
     * Queues this host's own entries the store lacks: those it held before it first joined, or all
     * of them after etcd lost its data. What the store holds as this host made it is not sent again.
     */
    private void queueMissing() {
        Set<String> queued = pending.keys();
        Map<String, FleetRecord> missing = new LinkedHashMap<>();
        for (RuleKind kind : RuleKind.values()) {
            for (Policy.Listed l : policy.each(kind)) {
                Entry e = l.entry();
                String key = FleetRecord.key(options.root(), kind, e.prefix());
                if (options.publish().contains(e.origin()) && !seen.holds(key) && !queued.contains(key)) {
                    missing.put(key, FleetRecord.of(e, options.host()));
                }
            }
        }
        if (!missing.isEmpty()) {
            LOG.info("{} entries of this host are not in the fleet's store; publishing them", missing.size());
            queue(missing);
        }
    }

    private void onEvents(List<Kv.Event> events) {
        Map<String, FleetRecord> remote = new LinkedHashMap<>();
        long upTo = revision;
        for (Kv.Event e : events) {
            upTo = Math.max(upTo, e.modRevision());
            if (e.value() == null) {
                seen.remove(e.key());
                heartbeats.gone(e.key());
            } else {
                take(e.key(), e.value(), e.modRevision(), remote);
            }
        }
        apply(remote.values());
        revision = upTo;
    }

    /** Notes a key the engine holds; a record another member made goes to remote. */
    private void take(String key, byte[] value, long modRevision, Map<String, FleetRecord> remote) {
        try {
            if (heartbeats.heard(key, value)) {
                return;
            }
            FleetRecord r = FleetRecord.parse(value);
            seen.put(key, modRevision, r);
            if (!r.host().equals(options.host())) {
                remote.put(key, r);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring {} in the fleet's store: {}", key, e.getMessage());
        }
    }

    /** Applies other members' records here: an entry adopted unless this host's is later, a tombstone lifts. */
    private void apply(Collection<FleetRecord> remote) {
        List<Entry> puts = new ArrayList<>();
        Instant now = clock.instant();
        try {
            for (FleetRecord r : remote) {
                if (!options.accept().contains(origin(r))) {
                    continue;
                }
                if (r.removed()) {
                    if (policy.retract(r.ruleKind(), r.parsedPrefix(), r.createdAt())) {
                        applied.incrementAndGet();
                    }
                } else if (!r.expiredAt(now)) {
                    puts.add(r.entry());
                }
            }
            applied.addAndGet(policy.adoptAll(puts).size());
        } catch (RuntimeException e) {
            LOG.error("could not apply the fleet's entries here; what is held keeps being enforced", e);
        }
    }

    private static Origin origin(FleetRecord r) {
        return r.origin().equals("auto") ? Origin.AUTO : Origin.OPERATOR;
    }

    private void closeWatch() {
        generation++;
        if (watch != null) {
            try {
                watch.close();
            } catch (Exception e) {
                LOG.debug("closing the watch", e);
            }
            watch = null;
        }
    }

    @Override
    public void close() {
        running = false;
        if (worker != null) {
            LockSupport.unpark(worker);
            try {
                worker.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeWatch();
        kv.close();
    }

    /** The worker's inbox: what the watch reports and wake-ups; offering wakes the worker. */
    private final class Queue {
        private final ConcurrentLinkedQueue<Runnable> items = new ConcurrentLinkedQueue<>();

        void offer(Runnable r) {
            items.offer(r);
            Thread w = worker;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }

        Runnable poll() {
            return items.poll();
        }

        boolean isEmpty() {
            return items.isEmpty();
        }
    }
}

package io.synguard.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An etcd in memory: one revision, mod revisions, compare-and-put, watches replayed from a
 * revision and told of every change as it happens. It can be taken away (every call fails), its
 * watches muted (they hear nothing, as a watch stuck behind a partition), and compacted.
 */
final class FakeKv implements Kv {
    private final TreeMap<String, Item> data = new TreeMap<>();
    private final List<Event> history = new ArrayList<>();
    private final List<Watch> watches = new ArrayList<>();
    private long revision = 1;
    private long compacted;
    private boolean away;
    private boolean muted;
    private RuntimeException failure;
    /** Keys successfully put (not heartbeats), in order. */
    final List<String> puts = new ArrayList<>();
    /** Compare-and-put transactions that held. */
    int transactions;

    private record Watch(String prefix, Watcher watcher) {}

    synchronized void away(boolean away) {
        this.away = away;
    }

    /** Makes the next call fail with failure, which is not etcd's own {@link KvException}. */
    synchronized void failOnce(RuntimeException failure) {
        this.failure = failure;
    }

    synchronized void mute(boolean muted) {
        this.muted = muted;
    }

    /** Compacts history up to the current revision and tells every watch, as etcd cancels them. */
    synchronized void compact() {
        compacted = revision;
        history.clear();
        watches.forEach(w -> w.watcher().compacted());
        watches.clear();
    }

    /** Loses every key and its history, as an etcd started again on an empty data directory; its watches hear nothing. */
    synchronized void wipe() {
        data.clear();
        history.clear();
        watches.clear();
        revision = 1;
        compacted = 0;
    }

    synchronized byte[] value(String key) {
        Item i = data.get(key);
        return i == null ? null : i.value();
    }

    synchronized Map<String, Item> data() {
        return new TreeMap<>(data);
    }

    @Override
    public synchronized Listing list(String prefix) {
        check();
        List<Item> items = data.subMap(prefix, prefix + Character.MAX_VALUE).values().stream().toList();
        return new Listing(items, revision);
    }

    @Override
    public synchronized Outcome putIf(String key, byte[] value, long expected, Duration ttl) {
        check();
        Item now = data.get(key);
        long current = now == null ? 0 : now.modRevision();
        if (current != expected) {
            return new Outcome(false, 0, now);
        }
        puts.add(key);
        transactions++;
        return new Outcome(true, change(key, value), null);
    }

    @Override
    public synchronized long putAllIf(List<Put> all) {
        check();
        for (Put p : all) {
            Item now = data.get(p.key());
            if ((now == null ? 0 : now.modRevision()) != p.expected()) {
                return 0;
            }
        }
        revision++;
        transactions++;
        for (Put p : all) {
            puts.add(p.key());
            data.put(p.key(), new Item(p.key(), p.value(), revision));
            tell(new Event(p.key(), p.value(), revision));
        }
        return revision;
    }

    @Override
    public synchronized long put(String key, byte[] value, Duration ttl) {
        check();
        return change(key, value);
    }

    @Override
    public synchronized AutoCloseable watch(String prefix, long fromRevision, Watcher watcher) {
        check();
        if (fromRevision <= compacted) {
            watcher.compacted();
            return () -> {};
        }
        Watch w = new Watch(prefix, watcher);
        List<Event> missed = history.stream().filter(e -> e.modRevision() >= fromRevision && e.key().startsWith(prefix))
                .toList();
        if (!missed.isEmpty()) {
            watcher.events(missed);
        }
        watches.add(w);
        return () -> {
            synchronized (FakeKv.this) {
                watches.remove(w);
            }
        };
    }

    @Override
    public void close() {}

    private long change(String key, byte[] value) {
        revision++;
        data.put(key, new Item(key, value, revision));
        tell(new Event(key, value, revision));
        return revision;
    }

    private void tell(Event e) {
        history.add(e);
        if (!muted) {
            watches.stream().filter(w -> e.key().startsWith(w.prefix())).forEach(w -> w.watcher().events(List.of(e)));
        }
    }

    private void check() {
        RuntimeException f = failure;
        failure = null;
        if (f != null) {
            throw f;
        }
        if (away) {
            throw new KvException("connection refused", null);
        }
    }
}

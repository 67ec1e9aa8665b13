package io.synguard.fleet;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this member's queue by compare-and-put: each key is put only if etcd still holds it as
 * this member last saw it, so that of two changes of a prefix the later wins. The fleet's worker
 * only.
 */
final class Publisher {
    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    private static final int CONFLICT_TRIES = 5;
    /** Puts a transaction carries: etcd takes at most 128 operations in one (--max-txn-ops). */
    private static final int TXN_PUTS = 128;

    private final Kv kv;
    private final Pending pending;
    private final Seen seen = new Seen();
    private final InstantSource clock;
    private final Duration grace;
    private final AtomicLong published = new AtomicLong();

    /** @param grace how long after its expiry etcd keeps a key */
    Publisher(Kv kv, Pending pending, InstantSource clock, Duration grace) {
        this.kv = kv;
        this.pending = pending;
        this.clock = clock;
        this.grace = grace;
    }

    /** What etcd holds as this member last saw it, which the worker keeps up to date. */
    Seen seen() {
        return seen;
    }

    /** Changes published since the start. */
    long published() {
        return published.get();
    }

    /**
     * Publishes the queue, {@value #TXN_PUTS} keys a transaction; a transaction whose compare fails
     * (another member changed one of its keys) is done again key by key. What is published,
     * superseded or lapsed leaves the queue; the rest stays.
     */
    void publish() {
        Map<String, FleetRecord> settled = new HashMap<>();
        List<Map.Entry<String, FleetRecord>> due = new ArrayList<>();
        Instant now = clock.instant();
        try {
            for (Map.Entry<String, FleetRecord> q : pending.snapshot()) {
                if (settledAlready(q.getKey(), q.getValue(), now)) {
                    settled.put(q.getKey(), q.getValue());
                } else {
                    due.add(q);
                }
            }
            for (int from = 0; from < due.size(); from += TXN_PUTS) {
                List<Map.Entry<String, FleetRecord>> batch = due.subList(from, Math.min(due.size(), from + TXN_PUTS));
                long rev = kv.putAllIf(batch.stream().map(q -> put(q.getKey(), q.getValue(), now)).toList());
                for (Map.Entry<String, FleetRecord> q : batch) {
                    if (rev != 0) {
                        published(q.getKey(), q.getValue(), rev);
                    }
                    if (rev != 0 || publishAlone(q.getKey(), q.getValue(), now)) {
                        settled.put(q.getKey(), q.getValue());
                    }
                }
            }
        } finally {
            pending.settled(settled);
        }
    }

    /** Whether r needs no publishing: lapsed, published before (a restart, say), or a later change won. */
    private boolean settledAlready(String key, FleetRecord r, Instant now) {
        Seen.Known k = seen.get(key);
        return r.expiredAt(now) || k != null && (k.record().sameChange(r) || k.record().after(r));
    }

    private Kv.Put put(String key, FleetRecord r, Instant now) {
        Seen.Known k = seen.get(key);
        Duration ttl = r.expires() == null ? null : Duration.between(now, r.expiresAt()).plus(grace);
        return new Kv.Put(key, r.json(), k == null ? 0 : k.modRevision(), ttl);
    }

    private void published(String key, FleetRecord r, long revision) {
        seen.put(key, revision, r);
        published.incrementAndGet();
    }

    /** Publishes one change, reading the key again after each failed compare; whether it is settled. */
    private boolean publishAlone(String key, FleetRecord r, Instant now) {
        for (int i = 0; i < CONFLICT_TRIES; i++) {
            if (settledAlready(key, r, now)) {
                return true;
            }
            Kv.Put p = put(key, r, now);
            Kv.Outcome out = kv.putIf(key, p.value(), p.expected(), p.ttl());
            if (out.done()) {
                published(key, r, out.revision());
                return true;
            }
            if (out.current() == null) {
                seen.remove(key);
            } else {
                seen.put(key, out.current().modRevision(), FleetRecord.parse(out.current().value()));
            }
        }
        LOG.warn("{} changed {} times while this host published it; trying again later", key, CONFLICT_TRIES);
        return false;
    }
}

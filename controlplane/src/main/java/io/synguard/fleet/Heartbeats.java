package io.synguard.fleet;

import io.synguard.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The members' heartbeats: one key each under the members' root, put every interval under a
 * lease of a few intervals, and read back through the watch. This member's own heartbeat coming
 * back shows its watch is alive; one that does not within three intervals, or a put whose revision
 * is not past what was seen (etcd's data went back), means the store must be listed again.
 */
final class Heartbeats {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private record Beat(String host, String at) {}

    private final Kv kv;
    private final Fleet.Options options;
    private final InstantSource clock;
    private final Map<String, Instant> members = new ConcurrentHashMap<>();
    private long awaited;
    private Instant sent;
    private Instant next = Instant.MIN;

    Heartbeats(Kv kv, Fleet.Options options, InstantSource clock) {
        this.kv = kv;
        this.options = options;
        this.clock = clock;
    }

    /** Where the members' heartbeats live. */
    private String root() {
        return options.root() + "/members/";
    }

    /** Notes key if it is a member's heartbeat; whether it was. */
    boolean heard(String key, byte[] value) throws IOException {
        if (!key.startsWith(root())) {
            return false;
        }
        Beat b = Json.mapper().readValue(value, Beat.class);
        members.put(b.host(), Instant.parse(b.at()));
        return true;
    }

    /** A key deleted: a member whose lease ran out has gone. */
    void gone(String key) {
        if (key.startsWith(root())) {
            members.remove(key.substring(root().length()));
        }
    }

    /** Forgets every member and the heartbeat awaited, before a listing. */
    void clear() {
        members.clear();
        awaited = 0;
        next = Instant.MIN;
    }

    /** The members heard of, by id. */
    List<FleetStatus.Member> members() {
        return members.entrySet().stream().map(m -> new FleetStatus.Member(m.getKey(), m.getValue()))
                .sorted(Comparator.comparing(FleetStatus.Member::host)).toList();
    }

    /**
     * Puts this member's heartbeat when one is due; whether the watch and the store are in order
     * (false: list again).
     *
     * @param revision the revision the watch has brought this member up to
     */
    boolean beat(long revision) {
        Instant now = clock.instant();
        Duration every = options.heartbeat();
        Duration silent = every.multipliedBy(3);
        if (awaited != 0 && revision < awaited) {
            if (Duration.between(sent, now).compareTo(silent) > 0) {
                LOG.warn("the watch is silent: this member's heartbeat of revision {} did not come back in {}; listing"
                        + " again", awaited, silent);
                return false;
            }
            return true;
        }
        if (now.isBefore(next)) {
            return true;
        }
        byte[] value;
        try {
            value = Json.mapper().writeValueAsBytes(new Beat(options.host(), now.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long put = kv.put(root() + options.host(), value, silent.plus(every));
        if (put <= revision) {
            LOG.warn("etcd's revision went back from {} to {}: it lost or was restored from older data; listing"
                    + " again", revision, put);
            return false;
        }
        awaited = put;
        sent = now;
        next = now.plus(every);
        return true;
    }
}

package io.synguard.fleet;

import java.time.Instant;
import java.util.List;

/**
 * How the fleet stands, for the API and the metrics.
 *
 * @param engine    "etcd", or "none" when this host is in no fleet
 * @param host      this member's id; null when in no fleet
 * @param connected whether the engine answered the last call and the watch runs
 * @param members   the members whose heartbeat the engine holds, by id
 * @param revision  the engine's revision this member has seen up to
 * @param pending   this member's changes queued, not yet published
 * @param lastSync  when this member last listed the whole store; null before it has
 * @param published changes this member published since it started
 * @param applied   changes of other members it applied since it started
 * @param relists   times it listed the store again (a compacted revision, a silent watch, a reconnect)
 */
public record FleetStatus(String engine, String host, boolean connected, List<Member> members, long revision,
                          int pending, Instant lastSync, long published, long applied, long relists) {
    public static final FleetStatus NONE = new FleetStatus("none", null, false, List.of(), 0, 0, null, 0, 0, 0);

    /** A member and when it last said it was alive. */
    public record Member(String host, Instant lastHeartbeat) {}
}

package io.synguard.flowspec;

import java.time.Instant;
import java.util.List;

/**
 * How the FlowSpec announcements stand, for the API and the metrics.
 *
 * @param speaker       "gobgp", or "none" when nothing is announced upstream
 * @param target        the speaker's gRPC address
 * @param connected     whether the speaker answered the last round
 * @param action        what the rules ask routers to do (discard, rate-limit:BPS)
 * @param max           the cap on rules announced
 * @param announced     the rules in the speaker's table as of the last round, in rank order
 * @param eligible      blocks that could go upstream
 * @param localOnly     eligible blocks left out by the cap, enforced here only
 * @param excluded      blocks never announced: they overlap an allowed or protected prefix
 * @param lastReconcile when the speaker's table last matched what is wanted; null before it has
 * @param added         paths added since start
 * @param withdrawn     paths withdrawn since start
 * @param failures      rounds failed in a row; 0 while the speaker answers
 * @param lastError     why the last failed round failed; null once one succeeds
 * @param retryAt       when a failed round is tried again; null while connected
 */
public record FlowSpecStatus(String speaker, String target, boolean connected, String action, int max,
                             List<FlowRule> announced, int eligible, int localOnly, int excluded,
                             Instant lastReconcile, long added, long withdrawn, int failures, String lastError,
                             Instant retryAt) {
    public static final FlowSpecStatus NONE = new FlowSpecStatus("none", null, false, null, 0, List.of(), 0, 0, 0,
            null, 0, 0, 0, null, null);
}

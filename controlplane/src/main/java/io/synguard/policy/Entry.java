package io.synguard.policy;

import io.synguard.dataplane.RuleKind;
import io.synguard.net.Prefix;

import java.time.Instant;

/**
 * One allow- or blocklist entry with what the kernel does not keep.
 *
 * @param kind    which list
 * @param prefix  canonical prefix
 * @param origin  operator or detection
 * @param reason  the operator's words, or detection's; may be null
 * @param created when it was placed (or last replaced)
 * @param expires when it lapses; null for never
 * @param host    the fleet member that made it, when it came from the fleet; else null
 */
public record Entry(RuleKind kind, Prefix prefix, Origin origin, String reason, Instant created, Instant expires,
                    String host) {
    /** An entry made here. */
    public Entry(RuleKind kind, Prefix prefix, Origin origin, String reason, Instant created, Instant expires) {
        this(kind, prefix, origin, reason, created, expires, null);
    }

    public boolean expiredAt(Instant now) {
        return expires != null && !expires.isAfter(now);
    }
}

package io.synguard.dataplane;

import io.synguard.net.Prefix;

import java.time.Instant;

/**
 * One allow- or blocklist entry as the data plane holds it.
 *
 * @param prefix  canonical prefix
 * @param kind    which list
 * @param serial  the data plane's id for it
 * @param auto    placed by detection rather than an operator
 * @param expires when it lapses; null for never
 * @param hits    SYNs it matched so far
 */
public record Rule(Prefix prefix, RuleKind kind, int serial, boolean auto, Instant expires, long hits) {}

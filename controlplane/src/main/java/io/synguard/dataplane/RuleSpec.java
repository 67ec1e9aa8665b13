package io.synguard.dataplane;

import io.synguard.net.Prefix;

import java.time.Instant;

/**
 * One entry to put in a list.
 *
 * @param prefix  the prefix
 * @param auto    placed by detection rather than an operator
 * @param expires when it lapses; null for never
 */
public record RuleSpec(Prefix prefix, boolean auto, Instant expires) {}

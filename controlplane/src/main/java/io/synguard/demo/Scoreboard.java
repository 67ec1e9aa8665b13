package io.synguard.demo;

import java.util.HashMap;
import java.util.Map;

/**
 * The legitimate clients' visits by phase, each counted in the phase it began in, and those that
 * ended since the live view last looked.
 */
final class Scoreboard {
    private final Map<Phase, Tally> byPhase = new HashMap<>();
    private volatile Phase phase;
    private Tally recent = new Tally();

    /** Visits from now on count in phase. */
    void enter(Phase p) {
        phase = p;
    }

    /** The phase a visit that begins now counts in; null before the first. */
    Phase phase() {
        return phase;
    }

    /** A visit that began in phase p (null: before the first, not counted). */
    synchronized void add(Phase p, boolean served, long nanos) {
        if (p == null) {
            return;
        }
        tally(p).add(served, nanos);
        recent.add(served, nanos);
    }

    synchronized Tally tally(Phase p) {
        return byPhase.computeIfAbsent(p, k -> new Tally());
    }

    /** The visits since the last call. */
    synchronized Tally takeRecent() {
        Tally t = recent;
        recent = new Tally();
        return t;
    }
}

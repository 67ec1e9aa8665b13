package io.synguard.daemon;

import io.synguard.config.Settings;

import java.time.Duration;
import java.time.Instant;

/**
 * Whether the cookie step should be on: always, never, or (auto) from the first interval of an
 * attack whose sources do not explain it until {@link #HOLD} after the last such interval, so that
 * a flood pausing for a few seconds does not switch it off and on. Not thread-safe.
 */
final class CookieSwitch {
    /** How long auto keeps cookies on after the random-source attack was last seen. */
    static final Duration HOLD = Duration.ofSeconds(20);

    private boolean on;
    private Instant since;
    private Instant lastSeen;

    /**
     * One step: the setting, whether a random-source attack is on now, and the time. Whether the
     * step should now be on changed.
     */
    boolean step(Settings.Cookies setting, boolean randomAttack, Instant now) {
        if (randomAttack) {
            lastSeen = now;
        }
        boolean want = switch (setting) {
            case OFF -> false;
            case ALWAYS -> true;
            case AUTO -> randomAttack || (on && lastSeen != null && now.isBefore(lastSeen.plus(HOLD)));
        };
        if (want == on) {
            return false;
        }
        on = want;
        since = now;
        return true;
    }

    boolean on() {
        return on;
    }

    /** When it last went on or off; null before the first change. */
    Instant since() {
        return since;
    }
}

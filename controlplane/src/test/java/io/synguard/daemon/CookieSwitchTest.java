package io.synguard.daemon;

import io.synguard.config.Settings.Cookies;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the cookie step goes on and off, on a clock the test moves one second at a time. */
class CookieSwitchTest {
    private final CookieSwitch cookies = new CookieSwitch();
    private Instant now = Instant.parse("2026-11-24T12:00:00Z");

    /** One step a second later; whether it changed. */
    private boolean second(Cookies setting, boolean randomAttack) {
        now = now.plusSeconds(1);
        return cookies.step(setting, randomAttack, now);
    }

    @Test
    void autoStaysOffWithoutAnAttackAndWithAnAttackFromFewSources() {
        for (int i = 0; i < 100; i++) {
            assertFalse(second(Cookies.AUTO, false));
        }
        assertFalse(cookies.on());
        assertNull(cookies.since());
    }

    @Test
    void autoGoesOnAtTheFirstIntervalOfARandomSourceAttack() {
        second(Cookies.AUTO, false);
        assertTrue(second(Cookies.AUTO, true));
        assertTrue(cookies.on());
        assertEquals(now, cookies.since());
        assertFalse(second(Cookies.AUTO, true));
        assertTrue(cookies.on());
    }

    @Test
    void autoGoesOffOnlyTheHoldAfterTheAttackWasLastSeen() {
        second(Cookies.AUTO, true);
        Instant lastSeen = now;
        long hold = CookieSwitch.HOLD.toSeconds();
        for (int i = 1; i < hold; i++) {
            assertFalse(second(Cookies.AUTO, false), i + "s after");
            assertTrue(cookies.on(), i + "s after");
        }
        assertTrue(second(Cookies.AUTO, false));
        assertFalse(cookies.on());
        assertEquals(lastSeen.plus(CookieSwitch.HOLD), cookies.since());
    }

    @Test
    void aPauseShorterThanTheHoldKeepsItOnAndTheHoldStartsAgain() {
        second(Cookies.AUTO, true);
        for (int i = 0; i < 10; i++) {
            second(Cookies.AUTO, false);
        }
        assertFalse(second(Cookies.AUTO, true));
        for (int i = 1; i < CookieSwitch.HOLD.toSeconds(); i++) {
            assertFalse(second(Cookies.AUTO, false));
        }
        assertTrue(cookies.on());
        assertTrue(second(Cookies.AUTO, false));
    }

    @Test
    void alwaysIsOnAtOnceAndOffNever() {
        assertTrue(second(Cookies.ALWAYS, false));
        assertTrue(cookies.on());
        assertFalse(second(Cookies.ALWAYS, true));
        assertTrue(second(Cookies.OFF, true));
        assertFalse(cookies.on());
        assertFalse(second(Cookies.OFF, true));
    }

    @ParameterizedTest(name = "random-source attack {0}")
    @ValueSource(booleans = {false, true})
    void fromAlwaysToAutoStaysOnOnlyDuringARandomSourceAttack(boolean randomAttack) {
        second(Cookies.ALWAYS, randomAttack);
        assertEquals(!randomAttack, second(Cookies.AUTO, randomAttack), "changed");
        assertEquals(randomAttack, cookies.on());
    }

    @Test
    void offDuringAnAttackThenAutoAgainGoesOnAtOnce() {
        second(Cookies.AUTO, true);
        assertTrue(second(Cookies.OFF, true));
        assertTrue(second(Cookies.AUTO, true));
        assertTrue(cookies.on());
    }

    @Test
    void theHoldIsLongerThanADetectionInterval() {
        assertTrue(CookieSwitch.HOLD.compareTo(Duration.ofSeconds(10)) >= 0);
    }
}

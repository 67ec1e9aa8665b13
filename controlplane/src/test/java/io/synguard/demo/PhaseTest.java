package io.synguard.demo;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PhaseTest {
    @Test
    void aMinuteIsQuietThenABotnetThenQuietThenSpoofingThenQuiet() {
        List<Phase> phases = Phase.timeline(Duration.ofSeconds(60));
        assertEquals(List.of("before", "botnet flood", "after botnet", "spoofed flood", "after spoofed"),
                phases.stream().map(p -> p.name()).toList());
        assertEquals(List.of(8L, 15L, 11L, 15L, 11L), phases.stream().map(p -> p.length().toSeconds()).toList());
        assertNull(phases.get(0).attack());
        assertEquals(Attack.BOTNET, phases.get(1).attack());
        assertEquals(Attack.SPOOFED, phases.get(3).attack());
        assertTrue(phases.get(2).length().toSeconds() > 5, "long enough for five calm intervals to end the attack");
    }

    @Test
    void everyDurationIsSharedOutInWholeSecondsThatAddUp() {
        for (int total = 15; total <= 600; total++) {
            List<Phase> phases = Phase.timeline(Duration.ofSeconds(total));
            assertEquals(total, phases.stream().mapToLong(p -> p.length().toSeconds()).sum(), "total " + total);
            for (Phase p : phases) {
                assertTrue(p.length().toSeconds() >= (p.attack() == null ? 2 : 4), total + " s: " + p + " " + p.length());
            }
        }
    }

    @Test
    void lessThanTheMinimumIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Phase.timeline(Duration.ofSeconds(14)));
        assertEquals("the demo needs at least 15 s, not 14 s", e.getMessage());
    }
}

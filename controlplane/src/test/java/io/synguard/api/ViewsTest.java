package io.synguard.api;

import io.synguard.detect.DestinationRates;
import io.synguard.detect.Status;

import java.net.InetAddress;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The domain's attack in the API's shape: {@code since} to the second, {@code kind} only during an attack. */
class ViewsTest {
    private static final Instant SINCE = Instant.parse("2026-11-24T11:59:30.750Z");

    @Test
    void anAttackFromSourcesShowsItsStartAndKind() {
        Views.Attack a = Views.Attack.of(new Status.Attack(true, SINCE, 40_000, 5000, false, 300, 41_000, 3, null, null));
        assertEquals(new Views.Attack(true, "2026-11-24T11:59:30Z", 40_000, 5000, "sources", 300, 41_000, 3, false, null, null), a);
    }

    @Test
    void anAttackNamesItsVictim() {
        Views.Attack a = Views.Attack.of(new Status.Attack(true, SINCE, 40_000, 5000, false, 300, 41_000, 3, null,
                new DestinationRates.DestinationRate(InetAddress.ofLiteral("2001:2:0:0:0:0:0:1"), 443, 39_999.6)));
        assertEquals(new Views.Destination("2001:2::1", 443, 40_000), a.victim());
    }

    @Test
    void anAttackFromRandomSourcesSaysSo() {
        assertEquals("random_sources",
                Views.Attack.of(new Status.Attack(true, SINCE, 40_000, 5000, true, 300, 41_000, 0, null, null)).kind());
    }

    @Test
    void withoutAnAttackThereIsNoKindAndNoStart() {
        Views.Attack a = Views.Attack.of(new Status.Attack(false, null, 7, 5000, false, 3, 0, 0, null, null));
        assertNull(a.kind());
        assertNull(a.since());
    }

    @Test
    void whileLearningTheStatusSaysUntilWhen() {
        Views.Attack a = Views.Attack.of(new Status.Attack(false, null, 7, 50_000, false, 3, 0, 0, SINCE.plusSeconds(300), null));
        assertTrue(a.learning());
        assertEquals("2026-11-24T12:04:30Z", a.learningUntil());
        Views.Attack learnt = Views.Attack.of(new Status.Attack(false, null, 7, 5000, false, 3, 0, 0, null, null));
        assertFalse(learnt.learning());
        assertNull(learnt.learningUntil());
    }
}

package io.synguard.api;

import io.synguard.detect.Status;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The domain's attack in the API's shape: {@code since} to the second, {@code kind} only during an attack. */
class ViewsTest {
    private static final Instant SINCE = Instant.parse("2026-11-24T11:59:30.750Z");

    @Test
    void anAttackFromSourcesShowsItsStartAndKind() {
        Views.Attack a = Views.Attack.of(new Status.Attack(true, SINCE, 40_000, 5000, false, 300, 41_000, 3));
        assertEquals(new Views.Attack(true, "2026-11-24T11:59:30Z", 40_000, 5000, "sources", 300, 41_000, 3), a);
    }

    @Test
    void anAttackFromRandomSourcesSaysSo() {
        assertEquals("random_sources",
                Views.Attack.of(new Status.Attack(true, SINCE, 40_000, 5000, true, 300, 41_000, 0)).kind());
    }

    @Test
    void withoutAnAttackThereIsNoKindAndNoStart() {
        Views.Attack a = Views.Attack.of(new Status.Attack(false, null, 7, 5000, false, 3, 0, 0));
        assertNull(a.kind());
        assertNull(a.since());
    }
}

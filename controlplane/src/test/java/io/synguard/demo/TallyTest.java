package io.synguard.demo;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TallyTest {
    private static final long MS = 1_000_000;

    @Test
    void countsServedOfTriedAndTheTimesOfTheServedOnly() {
        Tally t = new Tally();
        for (int i = 1; i <= 100; i++) {
            t.add(true, i * MS);
        }
        t.add(false, 1_000 * MS);
        assertEquals(101, t.tried());
        assertEquals(100, t.served());
        assertEquals(100.0 * 100 / 101, t.servedPercent(), 1e-9);
        assertEquals(50.0, t.millis(0.5));
        assertEquals(99.0, t.millis(0.99));
        assertEquals(100.0, t.millis(1));
    }

    @Test
    void nothingTriedIsNothingFailed() {
        Tally t = new Tally();
        assertEquals(100.0, t.servedPercent());
        assertEquals(0.0, t.millis(0.5));
    }

    @Test
    void talliesAddUp() {
        Tally a = new Tally();
        a.add(true, MS);
        Tally b = new Tally();
        b.add(false, 5 * MS);
        b.add(true, 3 * MS);
        Tally all = Tally.of(List.of(a, b));
        assertEquals(3, all.tried());
        assertEquals(2, all.served());
        assertEquals(3.0, all.millis(1));
    }
}

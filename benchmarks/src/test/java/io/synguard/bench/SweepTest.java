package io.synguard.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepTest {

    @Test
    void ratesAreSharesOfTheCapacityInWholeThousandsAndNeverNone() {
        assertArrayEquals(new long[]{500_000, 1_000_000, 1_600_000}, Sweep.rates(2_000_000, Sweep.SHARES));
        assertArrayEquals(new long[]{1000, 1000, 2000}, Sweep.rates(2_500, Sweep.SHARES));
        assertThrows(IllegalArgumentException.class, () -> Sweep.rates(0, Sweep.SHARES));
        assertThrows(IllegalArgumentException.class, () -> Sweep.rates(Double.NaN, Sweep.SHARES));
    }

    @Test
    void capacityCountsSynAcksFromXdpAndTheStacksSegmentsPerSecond() {
        BenchWorld.DutStats before = new BenchWorld.DutStats(1000, 5, 100, 900, 40);
        BenchWorld.DutStats after = new BenchWorld.DutStats(9_000_000, 5, 3_000_100, 5_000_900, 1_000_040);

        assertEquals(2_000_000, Sweep.answeredPps(before, after, 2_000_000_000L), 1e-6);
        assertEquals(0, Sweep.answeredPps(before, after, 0));
    }

    @Test
    void theTargetsAreFiveTimesTheKernelsCapacityAndServiceWhereTheKernelFails() {
        assertTrue(new Sweep.Verdict(5.0, 99.0, 49.9).capacityMet());
        assertFalse(new Sweep.Verdict(4.9, 99.0, 49.9).capacityMet());
        assertTrue(new Sweep.Verdict(5.0, 99.0, 49.9).serviceMet());
        assertFalse(new Sweep.Verdict(5.0, 98.9, 10).serviceMet(), "synguard lost clients");
        assertFalse(new Sweep.Verdict(5.0, 100, 50).serviceMet(), "the kernel alone served them: the flood was too light");
        assertFalse(new Sweep.Verdict(Double.NaN, Double.NaN, Double.NaN).capacityMet());
    }
}

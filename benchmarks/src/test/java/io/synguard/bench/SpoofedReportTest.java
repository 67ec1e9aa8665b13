package io.synguard.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpoofedReportTest {
    private static final LegitClients.Outcome SERVED = new LegitClients.Outcome(10, 100, 0.1, 0.2);

    /** Flat out, two rounds: the device answers twice as fast in round 2 with everything on it. */
    private static List<SpoofedSweep.Trial> rounds() {
        List<SpoofedSweep.Trial> t = new ArrayList<>();
        for (int round = 1; round <= 2; round++) {
            double m = round * 1e6;
            t.add(flatOut(SpoofedSweep.CEILING, round, 9 * m, 0));
            t.add(flatOut(SpoofedSweep.REFLECTOR, round, 8 * m, 4 * m));
            t.add(flatOut("kernel", round, 6 * m, 0.5 * m));
            t.add(flatOut("synguard-off", round, 6 * m, 0.5 * m));
            t.add(flatOut("synguard", round, 7 * m, 2 * m));
        }
        return t;
    }

    private static SpoofedSweep.Trial flatOut(String protection, int round, double rx, double answered) {
        return new SpoofedSweep.Trial(protection, round, Double.NaN, 0, rx, rx, answered, SERVED);
    }

    @Test
    void capacityIsQuotedOverParseTxsInTheSameRoundWithParseTxFirst() {
        List<SpoofedReport.Capacity> c = new SpoofedReport(rounds(), new double[0]).capacities();

        assertEquals(List.of("parse_tx", "kernel", "synguard-off", "synguard"),
                c.stream().map(SpoofedReport.Capacity::protection).toList());
        SpoofedReport.Capacity reflector = c.getFirst();
        assertEquals(6.0, reflector.answeredMpps(), 1e-9, "median of 4 and 8");
        assertEquals(1.0, reflector.ratioToParseTx(), 1e-9);
        assertEquals(8.0, reflector.ratioToKernel(), 1e-9);
        SpoofedReport.Capacity synguard = c.getLast();
        assertEquals(0.5, synguard.ratioToParseTx(), 1e-9, "within each round, not of the medians");
        assertEquals(4.0, synguard.ratioToKernel(), 1e-9);
        assertEquals(7.0 / 9, synguard.shareOfCeiling(), 1e-9);
    }

    @Test
    void theCapacityTableHasAParseTxColumn() {
        String md = new SpoofedReport(rounds(), new double[0]).markdown();

        assertTrue(md.contains("| capacity (flat out) | answered Mpps | x kernel | x parse_tx | received Mpps | x ceiling |"), md);
        assertTrue(md.contains("| synguard | 3.000 | 4.00 | 0.50 | 10.50 | 0.78 |"), md);
    }
}

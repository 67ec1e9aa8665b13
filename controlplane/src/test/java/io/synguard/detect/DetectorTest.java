package io.synguard.detect;

import io.synguard.config.Settings;
import io.synguard.dataplane.Abi.Counter;
import io.synguard.dataplane.CounterValues;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectorTest {
    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");
    /** Floor 5000 SYN/s, threshold 3x the baseline: the defaults; no learning period, which tests of it set. */
    private static final Settings.Detection SETTINGS = withLearning(0);

    /** The defaults with learning for learningS. */
    static Settings.Detection withLearning(long learningS) {
        Settings.Detection d = Settings.DEFAULTS.detection();
        return new Settings.Detection(d.intervalMs(), d.minThresholdPps(), d.autoBlock(), d.autoBlockTtlS(),
                d.thresholdFactor(), d.widenV4Len(), d.widenV6Len(), d.widenMinSources(), learningS,
                d.hardThresholdPps());
    }

    private final Detector detector = new Detector(SETTINGS);
    /** A fake clock and the data plane's running counters, one interval of a second at a time. */
    private Instant now = T0;
    private long syn;
    private long packets;

    /** One interval at synPps SYNs a second (and as many other packets). */
    private Detector.Step interval(double synPps) {
        now = now.plusSeconds(1);
        syn += (long) synPps;
        packets += 2 * (long) synPps;
        return detector.step(new Sample(now, CounterValues.of(Map.of(Counter.SYN, syn, Counter.PACKETS, packets))));
    }

    /** n intervals at synPps, none of them under attack. */
    private Detector.Step quietIntervals(int n, double synPps) {
        Detector.Step last = null;
        for (int i = 0; i < n; i++) {
            last = interval(synPps);
            assertFalse(last.underAttack(), "interval " + i + " at " + synPps + " SYN/s: " + last);
        }
        return last;
    }

    /** n intervals at synPps, the attack going on through all of them. */
    private Detector.Step attackIntervals(int n, double synPps) {
        Detector.Step last = null;
        for (int i = 0; i < n; i++) {
            last = interval(synPps);
            assertTrue(last.underAttack(), "interval " + i + ": " + last);
            assertFalse(last.started());
        }
        return last;
    }

    /** The first sample, from which the first interval's rate is measured. */
    private void started() {
        detector.step(new Sample(now, CounterValues.of(Map.of())));
    }

    /** A flood of 50,000 SYN/s after a quiet half-minute: an attack under way. */
    private void attackUnderWay() {
        started();
        quietIntervals(30, 100);
        interval(50_000);
    }

    /** One calm interval short of ending the attack. */
    private void calmAlmostLongEnough() {
        attackIntervals(Detector.CALM_INTERVALS - 1, 100);
    }

    @Test
    void ratesArePerSecondOverTheInterval() {
        Sample a = new Sample(T0, CounterValues.of(Map.of(Counter.PACKETS, 1000L, Counter.SYN, 100L,
                Counter.DROPPED_BLOCKLIST, 10L, Counter.DROPPED_RATELIMIT, 20L)));
        Sample b = new Sample(T0.plusMillis(500), CounterValues.of(Map.of(Counter.PACKETS, 6000L, Counter.SYN, 1100L,
                Counter.DROPPED_BLOCKLIST, 110L, Counter.DROPPED_RATELIMIT, 420L)));

        Rates r = Detector.rates(a, b);

        assertEquals(10_000, r.packetsPps(), 1e-9);
        assertEquals(2_000, r.synPps(), 1e-9);
        assertEquals(1_000, r.droppedPps(), 1e-9);
    }

    @Test
    void countersThatWentBackwardsGiveZeroNotANegativeRate() {
        Sample a = new Sample(T0, CounterValues.of(Map.of(Counter.SYN, 5000L)));
        Sample b = new Sample(T0.plusSeconds(1), CounterValues.of(Map.of(Counter.SYN, 10L)));
        assertEquals(0, Detector.rates(a, b).synPps());
    }

    @Test
    void noTimeBetweenSamplesGivesNoRate() {
        Sample a = new Sample(T0, CounterValues.of(Map.of(Counter.SYN, 0L)));
        Sample b = new Sample(T0, CounterValues.of(Map.of(Counter.SYN, 10L)));
        assertEquals(Rates.ZERO, Detector.rates(a, b));
    }

    @Test
    void theFirstSampleHasNoRateAndNoAttack() {
        syn = 1_000_000_000; // counters carried over from an earlier run
        Detector.Step first = detector.step(new Sample(now, CounterValues.of(Map.of(Counter.SYN, syn))));
        assertEquals(Rates.ZERO, first.rates());
        assertFalse(first.underAttack());
    }

    @Test
    void noAttackBelowTheFloor() {
        started();
        Detector.Step first = quietIntervals(1, 4_900);
        assertEquals(SETTINGS.minThresholdPps(), first.threshold(), 1e-9);
        quietIntervals(100, 4_900);
    }

    @Test
    void aRateJustBelowTheFloorAfterQuietIsNoAttack() {
        started();
        quietIntervals(30, 100);
        quietIntervals(3, 4_999);
    }

    @Test
    void anAttackIsDeclaredInTheFirstIntervalOverTheThreshold() {
        started();
        quietIntervals(30, 100);
        Instant crossing = now.plusSeconds(1);

        Detector.Step s = interval(6_000);

        assertTrue(s.underAttack());
        assertTrue(s.started());
        assertEquals(crossing, s.attackSince());
        assertEquals(6_000, s.rates().synPps(), 1e-9);
        assertEquals(6_000, s.peakSynPps(), 1e-9);
    }

    @Test
    void theThresholdIsTheBaselineTimesTheFactorWhenThatIsAboveTheFloor() {
        started();
        for (double rate = 1_000; rate < 10_000; rate *= 1.02) {
            quietIntervals(1, rate);
        }
        Detector.Step quiet = quietIntervals(200, 10_000);
        assertEquals(10_000, quiet.baseline(), 1);
        assertEquals(30_000, quiet.threshold(), 3);

        quietIntervals(1, 25_000); // over the floor, under 3x the baseline
        Detector.Step s = interval(35_000);
        assertTrue(s.started(), s.toString());
    }

    @Test
    void theBaselineFollowsSlowGrowthWithoutAlarm() {
        started();
        double rate = 1_000;
        Detector.Step last = null;
        for (int i = 0; i < 200; i++) { // +2% an interval: 1000 to over 50000 SYN/s
            rate *= 1.02;
            last = interval(rate);
            assertFalse(last.underAttack(), "at " + Math.round(rate) + " SYN/s: " + last);
        }
        assertTrue(rate > 50_000);
        assertTrue(last.baseline() > 0.8 * rate, last.toString());
        assertTrue(last.threshold() > rate, last.toString());
    }

    @Test
    void theBaselineIsAnExponentiallyWeightedAverage() {
        started();
        quietIntervals(1, 1_000); // the first rate after a zero start
        Detector.Step s = interval(2_000);
        // baseline 0, then 0 + a(1000 - 0), then that + a(2000 - that)
        double b1 = Baseline.ALPHA * 1_000;
        assertEquals(b1 + Baseline.ALPHA * (2_000 - b1), s.baseline(), 1e-6);
    }

    @Test
    void aSuddenJumpToTheSameRateIsAnAttack() {
        started();
        quietIntervals(50, 1_000);
        assertTrue(interval(52_000).started());
    }

    @Test
    void theBaselineLearnsNothingDuringAnAttack() {
        started();
        Detector.Step before = quietIntervals(50, 1_000);
        interval(100_000);
        Detector.Step during = attackIntervals(20, 100_000);
        assertEquals(before.threshold(), during.threshold(), 1e-9);
        assertTrue(during.baseline() < 1_100, during.toString());
        assertEquals(100_000, during.peakSynPps(), 1e-9);
    }

    @Test
    void anAttackEndsAfterEnoughCalmIntervalsNotBefore() {
        attackUnderWay();
        calmAlmostLongEnough();

        Detector.Step end = interval(100);

        assertFalse(end.underAttack());
        assertTrue(end.ended());
        assertNull(end.attackSince());
        assertEquals(50_000, end.peakSynPps(), 1e-9);
    }

    @Test
    void oneDipDoesNotEndAnAttack() {
        attackUnderWay();
        attackIntervals(1, 100);     // a dip
        attackIntervals(1, 50_000);  // the flood again
        calmAlmostLongEnough();
        assertTrue(interval(100).ended());
    }

    @Test
    void anIntervalBetweenHalfTheThresholdAndTheThresholdIsNotCalm() {
        attackUnderWay();
        calmAlmostLongEnough();
        attackIntervals(1, 3_000);   // under the 5000 threshold, over half of it: the count starts again
        calmAlmostLongEnough();
        assertTrue(interval(100).ended());
    }

    @Test
    void afterAnAttackTheBaselineLearnsAgainAndANewAttackCanStart() {
        attackUnderWay();
        calmAlmostLongEnough();
        interval(100);
        quietIntervals(10, 100);

        Detector.Step again = interval(60_000);

        assertTrue(again.started());
        assertEquals(now, again.attackSince());
        assertEquals(60_000, again.peakSynPps(), 1e-9);
    }

    @Test
    void anIntervalNeedNotBeASecond() {
        started();
        now = now.plus(Duration.ofMillis(250));
        syn += 2_000; // 8000 SYN/s over a quarter second
        Detector.Step s = detector.step(new Sample(now, CounterValues.of(Map.of(Counter.SYN, syn))));
        assertEquals(8_000, s.rates().synPps(), 1e-9);
        assertTrue(s.started());
    }

    @Test
    void aNewFloorTakesEffectAtTheNextInterval() {
        started();
        quietIntervals(5, 100);
        detector.configure(new Settings.Detection(1000, 20_000, true, 600, 3.0, 24, 64, 8, 0, 50_000));
        quietIntervals(3, 15_000);
        assertTrue(interval(25_000).started());
    }
}

package io.synguard.detect;

import io.synguard.config.Settings;
import io.synguard.dataplane.Abi.Counter;
import io.synguard.dataplane.CounterValues;
import io.synguard.json.Json;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The learning period, the kept baseline, flash crowds and re-examination. */
class LearningTest {
    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");

    private Detector detector = new Detector(DetectorTest.withLearning(300));
    private Instant now = T0;
    private long syn;
    private long tcp;
    private long blocked;

    /** One second at synPps SYNs, otherTcp other TCP segments a SYN, blockedPps of them dropped by blocks. */
    private Detector.Step interval(double synPps, double otherTcp, double blockedPps, Behaviour sources) {
        now = now.plusSeconds(1);
        syn += (long) synPps;
        tcp += (long) (synPps * (1 + otherTcp));
        blocked += (long) blockedPps;
        return detector.step(new Sample(now, CounterValues.of(Map.of(Counter.SYN, syn, Counter.TCP, tcp,
                Counter.DROPPED_BLOCKLIST, blocked))), sources);
    }

    private Detector.Step interval(double synPps) {
        return interval(synPps, 0, 0, Behaviour.UNKNOWN);
    }

    @Test
    void aBusyHostStartedMidStreamIsNoAttackWhileLearningNorAfter() {
        detector.step(new Sample(now, CounterValues.of(Map.of())));
        for (int i = 0; i < 299; i++) {
            Detector.Step s = interval(20_000);
            assertFalse(s.underAttack(), "interval " + i + ": " + s);
            assertTrue(s.learning());
            assertEquals(T0.plusSeconds(300), s.learningUntil());
        }
        for (int i = 0; i < 600; i++) {
            Detector.Step s = interval(20_000);
            assertFalse(s.underAttack(), s.toString());
            assertFalse(s.learning());
        }
        assertEquals(20_000, detector.baseline().level(), 1);
        assertTrue(detector.baseline().learnt());
    }

    @Test
    void whileLearningOnlyARateOverTheHardThresholdIsAnAttack() {
        detector.step(new Sample(now, CounterValues.of(Map.of())));
        for (int i = 0; i < 10; i++) {
            assertFalse(interval(40_000).underAttack());
        }
        Detector.Step s = interval(60_000);
        assertTrue(s.started());
        assertTrue(s.learning());
        assertEquals(50_000, s.threshold(), 1e-9);
    }

    @Test
    void settingLearningToZeroEndsItAtTheNextInterval() {
        detector.step(new Sample(now, CounterValues.of(Map.of())));
        interval(100);
        detector.configure(DetectorTest.withLearning(0));
        Detector.Step s = interval(100);
        assertFalse(s.learning());
        assertTrue(interval(6_000).started());
    }

    @Test
    void aKeptBaselineIsNotLearntAgain() throws Exception {
        detector.step(new Sample(now, CounterValues.of(Map.of())));
        for (int i = 0; i < 400; i++) {
            interval(10_000);
        }
        String kept = Json.mapper().writeValueAsString(detector.baseline().state());

        Baseline restored = Baseline.of(Json.mapper().readValue(kept, Baseline.State.class));
        detector = new Detector(DetectorTest.withLearning(300), restored);
        syn = 0;
        tcp = 0;
        detector.step(new Sample(now, CounterValues.of(Map.of())));
        Detector.Step s = interval(10_000);
        assertFalse(s.learning());
        assertEquals(10_000, s.baseline(), 1);
        assertTrue(interval(40_000).started(), "over three times the kept baseline");
    }

    @Test
    void aFlashCrowdThatCompletesItsHandshakesIsNoAttackAndRaisesTheBaseline() {
        detector = new Detector(DetectorTest.withLearning(0));
        detector.step(new Sample(now, CounterValues.of(Map.of())));
        for (int i = 0; i < 120; i++) {
            interval(1_000, 2, 0, new Behaviour(0, 1_000));
        }
        for (int i = 0; i < 60; i++) {
            Detector.Step s = interval(30_000, 2, 0, new Behaviour(0, 30_000));
            assertFalse(s.underAttack(), s.toString());
        }
        assertTrue(detector.baseline().level() > 20_000);
    }

    @Test
    void theSameRateWithOffendersOrWithoutHandshakesIsAnAttack() {
        detector = new Detector(DetectorTest.withLearning(0));
        detector.step(new Sample(now, CounterValues.of(Map.of())));
        interval(1_000, 2, 0, new Behaviour(0, 1_000));
        assertTrue(interval(30_000, 2, 0, new Behaviour(3, 30_000)).started(), "sources over their rate");

        detector = new Detector(DetectorTest.withLearning(0));
        detector.step(new Sample(now, CounterValues.of(Map.of(Counter.SYN, syn, Counter.TCP, tcp))));
        interval(1_000, 2, 0, new Behaviour(0, 1_000));
        assertTrue(interval(30_000, 0.05, 0, new Behaviour(0, 30_000)).started(), "SYNs that go nowhere");
    }

    @Test
    void aRateTheLadderCannotActOnIsReexaminedAndBecomesTheNewNormal() {
        detector = new Detector(DetectorTest.withLearning(0));
        detector.step(new Sample(now, CounterValues.of(Map.of())));
        interval(1_000, 0, 0, new Behaviour(0, 1_000));
        assertTrue(interval(20_000, 0, 0, new Behaviour(0, 20_000)).started());
        Detector.Step s = null;
        for (int i = 0; i < Detector.REEXAMINE_INTERVALS; i++) {
            s = interval(20_000, 0, 0, new Behaviour(0, 20_000));
        }
        assertTrue(s.ended() && s.reexamined(), s.toString());
        assertEquals(20_000, s.baseline(), 1e-9);
        assertFalse(interval(20_000, 0, 0, new Behaviour(0, 20_000)).underAttack());
    }

    @Test
    void aFloodWithOffendersOrRandomSourcesIsNotReexamined() {
        detector = new Detector(DetectorTest.withLearning(0));
        detector.step(new Sample(now, CounterValues.of(Map.of())));
        interval(1_000);
        interval(20_000, 0, 0, new Behaviour(2, 20_000));
        for (int i = 0; i < 3 * Detector.REEXAMINE_INTERVALS; i++) {
            assertTrue(interval(20_000, 0, 0, new Behaviour(i % 2 == 0 ? 2 : 0, i % 2 == 0 ? 20_000 : 100))
                    .underAttack());
        }
    }

    @Test
    void whatTheBlocklistDropsIsDealtWithAndStartsNoAttack() {
        detector = new Detector(DetectorTest.withLearning(0));
        detector.step(new Sample(now, CounterValues.of(Map.of())));
        interval(1_000);
        Detector.Step s = interval(100_000, 0, 99_000, Behaviour.UNKNOWN);
        assertFalse(s.underAttack(), s.toString());
        assertNull(s.attackSince());
    }

    @Test
    void anAttackLastsWhileItsBlockedFloodGoesOn() {
        detector = new Detector(DetectorTest.withLearning(0));
        detector.step(new Sample(now, CounterValues.of(Map.of())));
        interval(1_000);
        assertTrue(interval(100_000).started());
        for (int i = 0; i < 3 * Detector.CALM_INTERVALS; i++) {
            assertTrue(interval(100_000, 0, 99_000, Behaviour.UNKNOWN).underAttack());
        }
    }

    @Test
    void theBaselineRemembersThisTimeYesterday() {
        Baseline b = new Baseline();
        Instant t = T0;
        for (int i = 0; i < Baseline.DAY_MINUTES + 30; i++, t = t.plusSeconds(60)) {
            double rate = i < 60 ? 30_000 : 1_000; // a busy first hour, then quiet for a day
            b.add(t, rate);
        }
        b.add(t, 1_000);
        assertTrue(b.level() > 25_000, "the busy hour of yesterday: " + b.level());
    }

    @Test
    void theBaselineIgnoresAFewOddMinutes() {
        Baseline b = new Baseline();
        Instant t = T0;
        for (int i = 0; i < 60; i++, t = t.plusSeconds(60)) {
            b.add(t, i % 20 == 0 ? 50_000 : 1_000); // three odd minutes in the hour
        }
        for (int i = 0; i < 30; i++, t = t.plusSeconds(1)) {
            b.add(t, 1_000);
        }
        assertTrue(b.level() < 1_100, "three minutes at 50000 SYN/s in the hour: " + b.level());
    }
}

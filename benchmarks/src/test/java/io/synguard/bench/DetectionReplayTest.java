package io.synguard.bench;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replayed scenarios of {@code benchmarks/run detection} meet the targets. */
class DetectionReplayTest {
    private static List<DetectionReplay.Outcome> outcomes;

    @BeforeAll
    static void replay() {
        outcomes = DetectionSuite.replayAll();
    }

    private static DetectionReplay.Outcome outcome(String start) {
        Map<String, DetectionReplay.Outcome> byName = outcomes.stream()
                .collect(Collectors.toMap(DetectionReplay.Outcome::scenario, Function.identity()));
        return byName.entrySet().stream().filter(e -> e.getKey().startsWith(start)).map(Map.Entry::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no scenario " + start + " in " + byName.keySet()));
    }

    @Test
    void everyTargetIsMet() {
        assertEquals(List.of(), DetectionSuite.missedTargets(outcomes));
        assertEquals(10, outcomes.size());
    }

    @Test
    void noLegitimateScenarioRaisesAnAttackOrBlocksAnyone() {
        for (String s : List.of("steady busy host", "diurnal", "legitimate step", "flash crowd")) {
            DetectionReplay.Outcome o = outcome(s);
            assertEquals(0, o.attacks(), o.toString());
            assertEquals(0, o.falseAttackIntervals(), o.toString());
            assertEquals(0, o.legitBlocked(), o.toString());
        }
    }

    @Test
    void everyFloodIsDetectedWithinASecondAndItsSourcesBlockedOnce() {
        for (String s : List.of("single-source", "botnet", "spoofed", "pulse", "low-and-slow", "flood during learning")) {
            DetectionReplay.Outcome o = outcome(s);
            assertNotNull(o.detectionDelayS(), o.toString());
            assertTrue(o.detectionDelayS() <= 1, o.toString());
            assertEquals(0, o.legitBlocked(), o.toString());
            if (!s.equals("spoofed")) {
                assertEquals(0, o.attackUnblocked(), o.toString());
                assertEquals(1, o.timesBlocked(), o.toString());
            }
        }
        assertNull(outcome("spoofed").attackUnblocked(), "a spoofed flood has nothing to block");
    }

    @Test
    void thePulseFloodIsOneAttackNotOneAPulse() {
        DetectionReplay.Outcome pulse = outcome("pulse");
        assertEquals(1, pulse.attacks(), pulse.toString());
        assertEquals(1, pulse.timesBlocked(), pulse.toString());
    }

    @Test
    void theFloodDuringLearningIsCaughtByTheHardThreshold() {
        DetectionReplay.Outcome o = outcome("flood during learning");
        assertTrue(o.learningEndS() > 160, "learning outlasted the flood: " + o);
        assertEquals(1, o.detectionDelayS(), o.toString());
    }
}

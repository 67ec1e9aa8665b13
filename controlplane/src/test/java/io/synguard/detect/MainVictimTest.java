package io.synguard.detect;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The victim the status names: the busiest destination while the attack floods, kept through its calm tail. */
class MainVictimTest {
    private static final Instant T = Instant.parse("2026-12-01T12:00:00Z");
    private static final DestinationRates.DestinationRate WEB =
            new DestinationRates.DestinationRate(InetAddress.ofLiteral("198.18.0.1"), 80, 40_000);
    private static final DestinationRates.DestinationRate SSH =
            new DestinationRates.DestinationRate(InetAddress.ofLiteral("198.18.0.1"), 22, 3);

    private final MainVictim victim = new MainVictim();

    /** An interval at synPps against a threshold of 5000: under attack, starting it, or neither. */
    private static Detector.Step step(double synPps, boolean attack, boolean started) {
        return new Detector.Step(T, new Rates(synPps, synPps, 0, 0), 100, 5000, attack ? T : null, started, false,
                synPps);
    }

    private static DestinationRates.Destinations to(DestinationRates.DestinationRate... rates) {
        return new DestinationRates.Destinations(List.of(rates), 0);
    }

    @Test
    void noAttackNoVictim() {
        assertNull(victim.update(step(4000, false, false), to(WEB)));
    }

    @Test
    void theAttackNamesItsBusiestDestination() {
        assertEquals(WEB, victim.update(step(40_000, true, true), to(WEB, SSH)));
    }

    @Test
    void theCalmTailKeepsTheVictimTheFloodHad() {
        victim.update(step(40_000, true, true), to(WEB, SSH));
        assertEquals(WEB, victim.update(step(10, true, false), to(SSH)));
    }

    @Test
    void anAttackOverForgetsItsVictimAndTheNextNamesItsOwn() {
        victim.update(step(40_000, true, true), to(WEB));
        assertNull(victim.update(step(10, false, false), to(SSH)));
        assertEquals(SSH, victim.update(step(40_000, true, true), to(SSH, WEB)));
    }

    @Test
    void aFloodMovingToAnotherDestinationMovesTheVictim() {
        victim.update(step(40_000, true, true), to(WEB));
        assertEquals(SSH, victim.update(step(40_000, true, false), to(SSH, WEB)));
    }
}

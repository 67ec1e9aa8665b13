package io.synguard.demo;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LinesTest {
    @Test
    void aSecondIsOneLineUnderTheHeaderAndANewBlockAnother() {
        Phase flood = new Phase("botnet flood", Duration.ofSeconds(15), Attack.BOTNET);
        Tally visits = new Tally();
        for (int i = 0; i < 49; i++) {
            visits.add(true, 400_000);
        }
        visits.add(false, 1_000_000_000);
        Second s = new Second(flood, 12, 4, new Second.Reading(150_210, 150_180, 149_870, true, false, 5_000, 2, false, 0),
                List.of(), visits);

        assertEquals("  time  phase           packets/s      SYN/s  dropped/s  attack          blocks"
                + "  legitimate clients, last second", Lines.HEADER);
        assertEquals("   12s  botnet flood      150,210    150,180    149,870  ATTACK: sources      2"
                + "   98 % served (49/50), 0.4 ms", Lines.second(s));
        assertEquals("        + auto blocked 198.19.0.0/24 (auto: 150180 SYN/s attack)", Lines.block(
                new Second.Block(io.synguard.net.Prefix.parse("198.19.0.0/24"), "auto", "auto: 150180 SYN/s attack")));
    }

    @Test
    void theCookieStepGoingOnOrOffIsALineOfItsOwn() {
        assertEquals("        + SYN cookies on: synguard answers the SYNs that pass from XDP",
                Lines.cookies(new Second.Reading(0, 50_000, 0, true, true, 5_000, 0, true, 10)));
        assertEquals("        + SYN cookies off", Lines.cookies(new Second.Reading(0, 0, 0, false, false, 5_000, 0, false, 10)));
    }

    @Test
    void theAttackColumnSaysWhatKind() {
        assertEquals("none", Lines.attack(new Second.Reading(0, 0, 0, false, false, 5_000, 0, false, 0)));
        assertEquals("ATTACK: random", Lines.attack(new Second.Reading(0, 50_000, 0, true, true, 5_000, 0, true, 0)));
        assertEquals("-", Lines.visits(new Tally()));
    }
}

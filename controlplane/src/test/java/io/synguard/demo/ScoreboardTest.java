package io.synguard.demo;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ScoreboardTest {
    private final Phase before = new Phase("before", Duration.ofSeconds(2), null);
    private final Phase flood = new Phase("botnet flood", Duration.ofSeconds(4), Attack.BOTNET);
    private final Scoreboard board = new Scoreboard();

    @Test
    void aVisitCountsInThePhaseItBeganInEvenWhenItEndsInTheNext() {
        board.add(board.phase(), true, 1);
        board.enter(before);
        Phase began = board.phase();
        board.enter(flood);
        board.add(began, false, 1_000_000_000);
        board.add(board.phase(), true, 1);

        assertEquals(1, board.tally(before).tried(), "a visit before the first phase is not counted");
        assertEquals(0, board.tally(before).served());
        assertEquals(1, board.tally(flood).served());
    }

    @Test
    void theLiveViewGetsTheVisitsSinceItLastLooked() {
        board.enter(before);
        board.add(before, true, 1);
        board.add(before, false, 1);
        assertEquals(2, board.takeRecent().tried());
        board.add(before, true, 1);
        assertEquals(1, board.takeRecent().tried());
        assertEquals(0, board.takeRecent().tried());
        assertEquals(3, board.tally(before).tried());
    }
}

package io.synguard.dataplane;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class CookieKeysTest {
    private record Write(int current, long[] keys) {}

    private final List<Write> writes = new ArrayList<>();
    private final CookieKeys secret = new CookieKeys((current, keys) -> writes.add(new Write(current, keys.clone())));

    @Test
    void aRotationWritesTheFreshKeyBesideTheSlotInUseBeforeItMakesItCurrent() {
        secret.reset(new SplittableRandom(1));
        Write before = writes.getLast();
        writes.clear();

        secret.rotate(new SplittableRandom(2));

        assertEquals(2, writes.size(), "two writes: " + writes);
        Write fresh = writes.get(0);
        assertEquals(0, fresh.current(), "the slot in use stays current while the fresh key goes in");
        assertArrayEquals(Arrays.copyOfRange(before.keys(), 0, 2), Arrays.copyOfRange(fresh.keys(), 0, 2),
                "the slot in use is written with the bytes it had");
        assertNotEquals(before.keys()[2], fresh.keys()[2], "the other slot has the fresh key");
        Write flip = writes.get(1);
        assertEquals(1, flip.current());
        assertArrayEquals(fresh.keys(), flip.keys(), "the flip changes the current slot alone");
    }

    @Test
    void rotationsTakeTurnsOverTheTwoSlots() {
        secret.reset(new SplittableRandom(1));
        long[] first = writes.getLast().keys();
        secret.rotate(new SplittableRandom(2));
        secret.rotate(new SplittableRandom(3));
        Write last = writes.getLast();
        assertEquals(0, last.current(), "back in slot 0");
        assertNotEquals(first[0], last.keys()[0], "with a fresh key in it");
        assertEquals(1, writes.get(writes.size() - 2).current(), "slot 1 served until the flip");
    }
}

package io.synguard.cli;

import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a command line refuses: an IllegalArgumentException, whose message says why. */
final class Refused {
    private Refused() {}

    /** Asserts that call throws an IllegalArgumentException whose message contains why. */
    static void assertRefused(String why, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }
}

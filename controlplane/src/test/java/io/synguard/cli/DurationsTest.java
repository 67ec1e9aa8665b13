package io.synguard.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.synguard.cli.Refused.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({
            "3600, 3600",
            "1, 1",
            "90s, 90",
            "10m, 600",
            "1h, 3600",
            "2d, 172800",
            "' 5m ', 300",
    })
    void bareSecondsOrANumberWithAUnit(String text, long seconds) {
        assertEquals(seconds, Durations.seconds(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "m", "abc", "1w", "1.5h", "10 m", "h1", "1hh"})
    void notADurationSaysHowToWriteOne(String text) {
        assertRefused("is not a duration", () -> Durations.seconds(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0s", "0d", "-5", "-1m"})
    void lessThanOneSecondIsRefused(String text) {
        assertRefused("at least 1s", () -> Durations.seconds(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775808", "106751991167301d", "213503982334602d", "153722867280912931m"})
    void aDurationTooLongForALongIsRefusedNotWrappedAround(String text) {
        assertThrows(IllegalArgumentException.class, () -> Durations.seconds(text));
    }
}

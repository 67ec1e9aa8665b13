package io.synguard.host;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostCommandTest {

    @Test
    void aToolThatPrintsFarMoreThanAPipeHoldsEndsWithItsWholeOutput() {
        // 1 MiB on each stream: a runner that waits for the tool before reading stalls it at 64 KiB
        String script = "head -c 1048576 /dev/zero | tr '\\0' o; head -c 1048576 /dev/zero | tr '\\0' e >&2";
        long t0 = System.nanoTime();

        String out = HostCommand.run(Duration.ofSeconds(20), List.of("sh", "-c", script));

        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "it did not wait for a limit");
        assertEquals(2 << 20, out.length());
        assertEquals(1 << 20, out.chars().filter(c -> c == 'o').count());
        assertEquals(1 << 20, out.chars().filter(c -> c == 'e').count());
    }

    @Test
    void aFailureSaysTheCommandItsExitCodeAndWhatItPrinted() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> HostCommand.run("sh", "-c", "echo no such device >&2; exit 3"));

        assertEquals("sh -c echo no such device >&2; exit 3 exited 3: no such device", e.getMessage());
    }

    @Test
    void aToolPastItsLimitIsKilled() {
        long t0 = System.nanoTime();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> HostCommand.run(Duration.ofSeconds(1), List.of("sleep", "60")));

        assertEquals("sleep 60: no answer within 1 s", e.getMessage());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
    }

    @Test
    void aMissingToolIsNamed() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> HostCommand.run("sg-no-such-tool"));

        assertTrue(e.getMessage().startsWith("cannot run sg-no-such-tool ("), e.getMessage());
    }
}

package io.synguard.e2e;

import io.synguard.host.HostCommand;
import io.synguard.testing.BpfTest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./synguard demo} as a new user runs it, in its short form: it must pass its own checks,
 * show a line a second with the blocks as they happen, and leave nothing behind, which this test
 * checks for itself.
 */
@BpfTest
class DemoIT {
    private static final Path LAUNCHER = Path.of("..", "synguard");
    private static final int DURATION_S = 20;
    private static final long LIMIT_S = 80;

    @Test
    void theShortDemoDetectsBlocksKeepsTheClientsServedAndLeavesNothingBehind() throws Exception {
        Path log = Files.createTempFile("demo-it-", ".log");
        Process demo = new ProcessBuilder(LAUNCHER.toString(), "demo", "--duration", DURATION_S + "s")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long pid = demo.pid();  // the launcher execs the JVM: the demo's own pid, which its names carry
        String output;
        try {
            if (!demo.waitFor(LIMIT_S, TimeUnit.SECONDS)) {
                demo.destroy();  // SIGTERM: its shutdown hook cleans up
                demo.waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError("the demo took over " + LIMIT_S + " s:\n" + Files.readString(log));
            }
            output = Files.readString(log);
        } finally {
            demo.destroyForcibly();
            Files.delete(log);
        }

        assertEquals(0, demo.exitValue(), output);
        for (String check : List.of("the botnet flood was detected", "the botnet was blocked automatically",
                "the spoofed flood was recognised as random sources", "legitimate clients were served during the floods",
                "no legitimate client was blocked", "nothing left behind")) {
            assertTrue(output.contains("[ok]     " + check), "'" + check + "' in:\n" + output);
        }
        assertFalse(output.contains("[FAILED]"), output);
        assertTrue(output.strip().endsWith("demo passed"), output);
        long live = output.lines().filter(l -> l.matches("\\s+\\d+s  .*")).count();
        assertEquals(DURATION_S, live, "a line every second:\n" + output);
        assertTrue(output.contains("+ auto blocked 198.19."), "the blocks as they happen:\n" + output);

        String mark = "sgdemo-" + pid + "-";
        assertFalse(HostCommand.run("ip", "netns", "list").contains(mark), "a namespace is left");
        assertFalse(Files.readString(Path.of("/proc/self/mounts")).contains(mark), "a mount is left");
        try (Stream<Path> tmp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertEquals(List.of(), tmp.filter(p -> p.getFileName().toString().startsWith(mark)).toList(),
                    "a temporary directory is left");
        }
    }
}

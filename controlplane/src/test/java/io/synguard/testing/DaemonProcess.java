package io.synguard.testing;

import io.synguard.host.HostCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code synguard run} as a child process inside a network namespace (through nsenter, which
 * execs the JVM, so the pid is the daemon's), started from the jar the build just made. Output
 * goes to daemon.log in the state directory and is quoted when it fails.
 */
public final class DaemonProcess implements AutoCloseable {
    private static final Path JAR = Path.of("target", "synguard.jar");

    private final Process process;
    private final Path log;

    private DaemonProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code synguard run} in namespace with these arguments after "run". */
    public static DaemonProcess start(Path namespace, Path stateDir, List<String> runArguments) {
        return start(namespace, stateDir, List.of(), runArguments);
    }

    /**
     * As {@link #start(Path, Path, List)}, with wrapper between nsenter and the JVM: a command that
     * execs the rest, such as setpriv with the capabilities to run with.
     */
    public static DaemonProcess start(Path namespace, Path stateDir, List<String> wrapper, List<String> runArguments) {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-jar", jar().toString(), "run"));
        command.addAll(runArguments);
        command.addAll(List.of("--state-dir", stateDir.toString()));
        return exec(namespace, stateDir, command, Map.of());
    }

    /**
     * Runs command in namespace with environment added to this JVM's: a command that ends by
     * exec'ing the daemon (the container image's entrypoint, say), so the pid is still the
     * daemon's. Its output goes to daemon.log in logDirectory.
     */
    public static DaemonProcess exec(Path namespace, Path logDirectory, List<String> command,
                                     Map<String, String> environment) {
        List<String> full = new ArrayList<>(List.of("nsenter", "--net=" + namespace));
        full.addAll(command);
        Path log = logDirectory.resolve("daemon.log");
        try {
            Files.createDirectories(logDirectory);
            ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            return new DaemonProcess(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + full, e);
        }
    }

    /** Runs another synguard command in namespace to its end; its output. */
    public static String command(Path namespace, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=" + namespace, java(),
                "--enable-native-access=ALL-UNNAMED", "-jar", jar().toString()));
        command.addAll(arguments);
        return HostCommand.run(command.toArray(String[]::new));
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElseThrow();
    }

    /** The JDK this JVM runs on, which runs the daemon too. */
    public static Path javaHome() {
        return Path.of(java()).getParent().getParent();
    }

    /** The jar the build made, which the daemon runs from. */
    public static Path jar() {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: the *IT tests run after 'mvn package'");
        }
        return JAR.toAbsolutePath();
    }

    /** Waits until ready says so, failing with the daemon's output if it exits or time runs out. */
    public void awaitReady(java.util.function.BooleanSupplier ready, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the daemon exited " + process.exitValue() + ":\n" + output());
            }
            try {
                if (ready.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            sleep(100);
        }
        throw new AssertionError("the daemon was not ready within " + limit + ":\n" + output());
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crash would; waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        await();
    }

    /** Waits for the daemon to end on its own; its exit code. */
    public int awaitExit(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the daemon still runs after " + limit + ":\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** SIGTERM, as an operator would; the exit code. */
    public int stop() {
        process.destroy();
        return await();
    }

    private int await() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the daemon did not stop within 30 s:\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no output)";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }

    /** Sleeps; an interrupt fails the test. */
    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

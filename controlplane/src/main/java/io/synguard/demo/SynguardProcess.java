package io.synguard.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code synguard run} as its own process inside the server's namespace, as an operator runs it.
 * nsenter enters the network namespace only (so the private bpffs stays visible) and execs the JVM
 * on this very jar; the program attaches natively (a veth has native XDP) and comes off again when
 * the daemon stops. Its output goes to the workspace's daemon.log.
 */
final class SynguardProcess {
    static final InetSocketAddress LISTEN = new InetSocketAddress("127.0.0.1", 9780);
    private static final Duration STOP = Duration.ofSeconds(20);

    private final Process process;
    private final Path log;
    private final Api api;

    private SynguardProcess(Process process, Path log, Api api) {
        this.process = process;
        this.log = log;
        this.api = api;
    }

    /** The command line it runs: shown to the user too. */
    static List<String> command(Path namespace, String iface, Workspace workspace) {
        List<String> c = new ArrayList<>(List.of("nsenter", "--net=" + namespace, java(),
                "--enable-native-access=ALL-UNNAMED", "-Xms64m", "-Xmx256m", "-jar", jar().toString(), "run"));
        c.addAll(List.of("--iface", iface, "--attach", "native", "--detach-on-exit",
                "--listen", LISTEN.getHostString() + ":" + LISTEN.getPort(), "--max-rules", "65536",
                "--state-dir", workspace.stateDirectory().toString(),
                "--pin-dir", workspace.pinDirectory(iface).toString(), "--config", workspace.config().toString()));
        return c;
    }

    /**
     * Starts synguard, without a learning period: the demo's host is new, with no normal traffic to
     * learn, and its floods are to be seen at once.
     */
    static SynguardProcess start(Path namespace, String iface, Workspace workspace) {
        List<String> command = command(namespace, iface, workspace);
        try {
            Files.writeString(workspace.config(), "{\"detection\":{\"learning_s\":0}}");
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(workspace.daemonLog().toFile())).start();
            return new SynguardProcess(p, workspace.daemonLog(), new Api(namespace, LISTEN,
                    workspace.stateDirectory().resolve("token")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    Api api() {
        return api;
    }

    /**
     * Waits until the API is healthy, telling waiting how long it has been about once a second;
     * throws with the daemon's output if it exits first or limit passes.
     */
    void awaitReady(Duration limit, java.util.function.Consumer<Duration> waiting) throws InterruptedException {
        long start = System.nanoTime();
        long lastSaid = start;
        while (!api.healthy()) {
            long now = System.nanoTime();
            if (!process.isAlive()) {
                throw new IllegalStateException("synguard exited " + process.exitValue() + " before it was ready:\n"
                        + logTail(30));
            }
            if (now - start > limit.toNanos()) {
                throw new IllegalStateException("synguard was not ready within " + limit.toSeconds() + " s:\n"
                        + logTail(30));
            }
            if (now - lastSaid >= TimeUnit.SECONDS.toNanos(1)) {
                waiting.accept(Duration.ofNanos(now - start));
                lastSaid = now;
            }
            Thread.sleep(100);
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The last lines the daemon wrote. */
    String logTail(int lines) {
        try {
            List<String> all = Files.exists(log) ? Files.readAllLines(log) : List.of();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Stops the daemon as an operator would, with SIGTERM: it takes the program off the interface
     * and exits. After 20 s it is killed. Its exit code, or -1 when it had to be killed; nothing
     * happens to a daemon that has exited already.
     */
    int stop() throws InterruptedException {
        process.destroy();
        if (process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
            return process.exitValue();
        }
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        return -1;
    }

    private static String java() {
        return ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this"));
    }

    /** The jar this code runs from, which the daemon runs from too. */
    private static Path jar() {
        try {
            Path self = Path.of(SynguardProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(self)) {
                throw new IllegalStateException("the demo runs from synguard.jar (./synguard demo), not from " + self);
            }
            return self;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.synguard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The synguard daemon started by its launcher inside the world's server namespace, and a keep-alive
 * connection to its API once it answers.
 */
record DaemonUnderTest(Process process, KeepAliveClient api, Path log) implements AutoCloseable {
    static final int API_PORT = 9780;

    /**
     * Starts synguard run on the world's device under test with the given state and pin directories,
     * without a learning period: the world has no normal traffic to learn, and the figures are of
     * detection.
     */
    static DaemonUnderTest start(BenchWorld world, Path root, Path stateDir, Path pinDir, String... extra) throws IOException {
        Path log = stateDir.resolve("daemon.log");
        Path config = Files.writeString(stateDir.resolve("bench-config.json"), "{\"detection\":{\"learning_s\":0}}");
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=" + world.namespace(world.srv),
                root.resolve("synguard").toString(), "run", "--iface", BenchWorld.IFACE, "--pin-dir", pinDir.toString(),
                "--state-dir", stateDir.toString(), "--config", config.toString()));
        command.addAll(List.of(extra));
        Process process = world.start(command, log);
        return new DaemonUnderTest(process, connect(world, process, stateDir, log), log);
    }

    /** Waits for the daemon's token and API (the first start builds the jar), then connects. */
    private static KeepAliveClient connect(BenchWorld world, Process daemon, Path stateDir, Path log) throws IOException {
        Path token = stateDir.resolve("token");
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (true) {
            if (!daemon.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the daemon did not start:\n" + Files.readString(log));
            }
            if (Files.exists(token) && Files.size(token) > 0) {
                try {
                    KeepAliveClient api = new KeepAliveClient(world.namespace(world.srv),
                            new InetSocketAddress("127.0.0.1", API_PORT), Files.readString(token).strip());
                    if (api.send("GET", "/healthz", new byte[0]).status() == 200) {
                        return api;
                    }
                    api.close();
                } catch (UncheckedIOException notYet) {
                    // the API is not listening yet
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Stops the daemon with SIGTERM and waits for it. */
    @Override
    public void close() throws IOException {
        api.close();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

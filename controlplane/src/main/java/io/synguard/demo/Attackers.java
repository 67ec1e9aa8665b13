package io.synguard.demo;

import io.synguard.bpf.XdpLink;
import io.synguard.flood.Flood;
import io.synguard.flood.FloodGenerator;
import io.synguard.net.Prefix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The attackers: the flood generator sending one flood at a time out of the internet's uplink,
 * straight at the protected interface, each flood bounded in rate, count and time.
 */
final class Attackers {
    private static final long GRACE_S = 10;

    private final FloodGenerator generator;
    private final FloodGenerator.Egress egress;
    private final XdpLink replies;
    private volatile CompletableFuture<FloodGenerator.Report> running;

    private Attackers(FloodGenerator generator, FloodGenerator.Egress egress) {
        this.generator = generator;
        this.egress = egress;
        this.replies = generator.receiveXdpTx(egress);
    }

    /**
     * Loads the generator, to send out of iface in namespace to the interface whose MAC is target,
     * from one CPU, as one NIC queue would deliver the floods: each source's SYNs then meet one CPU's
     * rate table, whose limit they cross at once rather than per CPU. A program on iface lets the
     * SYN-ACKs synguard answers from XDP through to the clients routed behind it.
     */
    static Attackers load(Path namespace, String iface, byte[] target) {
        FloodGenerator generator = FloodGenerator.load();
        try {
            return new Attackers(generator, new FloodGenerator.Egress(namespace, iface, target, lastAllowedCpu()));
        } catch (RuntimeException e) {
            generator.close();
            throw e;
        }
    }

    /** The highest-numbered CPU this process may run on (a container's cpuset may leave out CPU 0). */
    static int lastAllowedCpu() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return lastCpu(line.substring(line.indexOf(':') + 1));
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last CPU of a list such as "0-3,8,10-11"; -1 for none. */
    static int lastCpu(String list) {
        String[] ranges = list.strip().split(",");
        String last = ranges[ranges.length - 1];
        return last.isEmpty() ? -1 : Integer.parseInt(last.substring(last.indexOf('-') + 1));
    }

    /** Starts attack against server:port, for length at most, on a thread of its own. */
    void start(Attack attack, String server, int port, Duration length) {
        Flood flood = Flood.of(attack.sources, Prefix.parse(server), port, attack.rate,
                attack.rate * length.toSeconds(), length);
        CompletableFuture<FloodGenerator.Report> result = new CompletableFuture<>();
        running = result;
        Thread.ofPlatform().name("demo-" + attack.name().toLowerCase(Locale.ROOT)).start(() -> {
            try {
                result.complete(generator.run(flood, egress, progress -> { }));
            } catch (InterruptedException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
    }

    /** Waits for the flood under way to end by itself; what it sent. */
    FloodGenerator.Report await() throws InterruptedException {
        try {
            return running.get(GRACE_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the flood failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the flood did not end within " + GRACE_S + " s of its time", e);
        }
    }

    /** Stops the flood under way, if any, and unloads the generator. */
    void stop() throws InterruptedException {
        CompletableFuture<FloodGenerator.Report> f = running;
        if (f != null && !f.isDone()) {
            generator.stop();
            try {
                f.get(GRACE_S, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // stopped, or failed by itself: either way it sends no more
            }
        }
        replies.close();
        generator.close();
    }
}

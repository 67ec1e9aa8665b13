package io.synguard.demo;

import io.synguard.flood.Flood;
import io.synguard.flood.FloodGenerator;
import io.synguard.net.Prefix;

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
    /**
     * The CPU the floods are sent from, as one NIC queue would deliver them: each source's SYNs
     * meet one CPU's rate table, whose limit they then cross at once rather than per CPU.
     */
    private static final int CPU = 0;
    private static final long GRACE_S = 10;

    private final FloodGenerator generator;
    private final FloodGenerator.Egress egress;
    private volatile CompletableFuture<FloodGenerator.Report> running;

    private Attackers(FloodGenerator generator, FloodGenerator.Egress egress) {
        this.generator = generator;
        this.egress = egress;
    }

    /** Loads the generator, to send out of iface in namespace to the interface whose MAC is target. */
    static Attackers load(Path namespace, String iface, byte[] target) {
        return new Attackers(FloodGenerator.load(), new FloodGenerator.Egress(namespace, iface, target, CPU));
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
        generator.close();
    }
}

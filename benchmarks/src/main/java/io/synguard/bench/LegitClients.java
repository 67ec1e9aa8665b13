package io.synguard.bench;

import io.synguard.bpf.Cpus;
import io.synguard.bpf.NetNamespace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The service under attack: a real TCP server in the protected namespace, and legitimate clients,
 * each from an address of its own, connecting to it at a steady pace while a flood runs.
 */
final class LegitClients {
    static final int PORT = 8080;
    /** The legitimate clients' addresses, one each: each connects well under the per-source limit. */
    static final List<String> ADDRESSES = List.of("198.18.0.2", "198.18.0.3", "198.18.0.4", "198.18.0.5");
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final long PAUSE_MS = 20;

    private final Path namespace;
    private final int cpu;
    private final ConcurrentLinkedQueue<Long> connects = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    /** Starts the clients in namespace, on any CPU; {@link #stop} ends them and says how they fared. */
    LegitClients(Path namespace) {
        this(namespace, -1);
    }

    /**
     * Starts the clients in namespace, on cpu (-1: any). A client that shares the flood generator's
     * CPU pauses the flood while it connects, and its SYN reaches a receive ring drained meanwhile:
     * to meet the flood as a NIC's ring would, clients must run where the generator does not.
     */
    LegitClients(Path namespace, int cpu) {
        this.namespace = namespace;
        this.cpu = cpu;
        for (String address : ADDRESSES) {
            threads.add(Thread.ofPlatform().name("legit-" + address).start(() -> connectAll(address)));
        }
    }

    /** Stops the clients, waiting for each connect under way. */
    Outcome stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        return Outcome.of(connects.stream().mapToLong(Long::longValue).toArray());
    }

    /** Connects from address until told to stop: connect times in µs, -1 for a failure. */
    private void connectAll(String address) {
        NetNamespace.run(namespace, () -> {
            if (cpu >= 0) {
                Cpus.pinCurrentThread(cpu);
            }
            while (running.get()) {
                long t0 = System.nanoTime();
                try (Socket s = new Socket()) {
                    s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
                    s.connect(new InetSocketAddress(InetAddress.getByName(BenchWorld.SERVER), PORT),
                            (int) CONNECT_TIMEOUT.toMillis());
                    connects.add((System.nanoTime() - t0) / 1000);
                } catch (SocketException | SocketTimeoutException failed) {
                    connects.add(-1L);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                try {
                    Thread.sleep(PAUSE_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Accepts connections on the server's address and closes them, until serving ends. */
    static void serve(Path namespace, AtomicBoolean serving) {
        NetNamespace.run(namespace, () -> {
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(InetAddress.getByName(BenchWorld.SERVER), PORT), 4096);
                server.setSoTimeout(200);
                while (serving.get()) {
                    try {
                        server.accept().close();
                    } catch (SocketTimeoutException idle) {
                        // look at serving again
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * How the clients fared: connects tried, the share that succeeded, and connect times of those
     * that did (NaN for none).
     */
    record Outcome(int attempts, double successPct, double p50Ms, double p99Ms) {
        /** From connect times in µs, -1 for a failure. */
        static Outcome of(long[] micros) {
            long[] ok = java.util.Arrays.stream(micros).filter(n -> n >= 0).sorted().toArray();
            return new Outcome(micros.length, micros.length == 0 ? 0 : 100.0 * ok.length / micros.length,
                    percentile(ok, 50), percentile(ok, 99));
        }

        private static double percentile(long[] sortedMicros, int p) {
            if (sortedMicros.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * sortedMicros.length) - 1;
            return sortedMicros[Math.clamp(i, 0, sortedMicros.length - 1)] / 1000.0;
        }
    }
}

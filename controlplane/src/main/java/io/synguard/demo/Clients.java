package io.synguard.demo;

import io.synguard.bpf.NetNamespace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The legitimate clients: a thread per address, each visiting the server about five times a second
 * (connect, read the greeting, close) from inside the clients' namespace. A visit is served when
 * the greeting arrives within a second, as a person would expect; a SYN lost once would cost the
 * kernel's one-second retransmit. Every visit goes to the scoreboard.
 */
final class Clients {
    static final Duration PATIENCE = Duration.ofSeconds(1);
    static final Duration PAUSE = Duration.ofMillis(200);

    private final List<Thread> threads = new ArrayList<>();
    private final Scoreboard board;
    private final LongSupplier nanoTime;
    private volatile boolean running = true;

    private Clients(Scoreboard board, LongSupplier nanoTime) {
        this.board = board;
        this.nanoTime = nanoTime;
    }

    /** Starts a client for every address in namespace, visiting server:port. */
    static Clients start(Path namespace, List<String> addresses, String server, int port, Scoreboard board,
                         LongSupplier nanoTime) {
        Clients c = new Clients(board, nanoTime);
        InetSocketAddress target = new InetSocketAddress(server, port);
        for (String a : addresses) {
            InetSocketAddress from = new InetSocketAddress(a, 0);
            // a socket gets its namespace when its descriptor is made, so the thread stays in there
            c.threads.add(Thread.ofPlatform().name("demo-client-" + a).daemon()
                    .start(() -> NetNamespace.run(namespace, () -> c.visitUntilStopped(from, target))));
        }
        return c;
    }

    private void visitUntilStopped(InetSocketAddress from, InetSocketAddress to) {
        while (running) {
            Phase phase = board.phase();
            long start = nanoTime.getAsLong();
            boolean served = visit(from, to, start);
            long took = nanoTime.getAsLong() - start;
            board.add(phase, served, took);
            long rest = PAUSE.toNanos() - took;
            if (rest > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(rest);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private boolean visit(InetSocketAddress from, InetSocketAddress to, long start) {
        try (Socket s = new Socket()) {
            s.bind(from);
            s.connect(to, (int) PATIENCE.toMillis());
            long left = PATIENCE.toMillis() - TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - start);
            if (left <= 0) {
                return false;
            }
            s.setSoTimeout((int) left);
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return Server.GREETING.equals(line);
        } catch (IOException e) {
            return false;
        }
    }

    void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(PATIENCE.toMillis() * 3);
        }
    }
}

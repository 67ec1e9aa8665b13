package io.synguard.e2e;

import io.synguard.net.RawHttp;
import io.synguard.api.TestCa;
import io.synguard.bpf.NetNamespace;
import io.synguard.testing.BpfTest;
import io.synguard.testing.DaemonProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.synguard.e2e.ProtectedHost.IFACE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What HTTPS costs a script: adding one block at a time on one keep-alive connection to the live
 * daemon, over plain HTTP and over HTTPS (the same daemon restarted with a certificate), in one run,
 * GET /healthz beside each as the floor. Prints the figures; fails only on a gross regression
 * (the target, p99 at most 5 ms, is for a quiet machine, which a test run may not be).
 */
@BpfTest
class ApiLatencyIT extends OnProtectedHost {
    /** Enough for the JIT to have compiled the TLS path too, which 300 requests are not. */
    private static final int WARMUP = 3000;
    private static final int REQUESTS = Integer.getInteger("synguard.latency.requests", 2000);

    @TempDir
    Path tls;

    private int next;

    @Test
    void addingOneBlockOverHttpsStaysWithinMillisecondsOfPlainHttp() throws Exception {
        TestCa ca = TestCa.create(tls, "latency-ca");
        String[] https = ca.issueServer(tls).runOptions().toArray(String[]::new);
        // ABBA: a drift over the run (the lists and the journal grow) weighs on both alike
        List<Figures> http = new ArrayList<>();
        List<Figures> secured = new ArrayList<>();
        for (boolean secure : new boolean[]{false, true, true, false}) {
            if (secure) {
                DaemonProcess daemon = host.launch(IFACE, https);
                daemon.awaitReady(() -> healthy(ca.clientContext()), Duration.ofSeconds(30));
                secured.add(measure(ca.clientContext()));
                daemon.stop();
            } else {
                DaemonProcess daemon = host.startDaemon();
                http.add(measure(null));
                daemon.stop();
            }
        }
        System.out.printf("REST, %d requests a round on one keep-alive connection, rounds http, https, https, http:%n"
                + "  http : %s%n         %s%n  https: %s%n         %s%n", REQUESTS, http.get(0), http.get(1),
                secured.get(0), secured.get(1));
        assertTrue(secured.stream().allMatch(f -> f.addP99Ms() < 50), "add-one-block p99 over HTTPS: " + secured);
    }

    private boolean healthy(SSLContext tls) {
        try (RawHttp probe = connect(tls)) {
            return probe.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").read().status() == 200;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Figures(double healthP50Ms, double healthP99Ms, double addP50Ms, double addP99Ms) {
        @Override
        public String toString() {
            return String.format("GET /healthz p50 %.3f ms, p99 %.3f ms; POST /v1/blocks (one) p50 %.3f ms, p99 %.3f ms",
                    healthP50Ms, healthP99Ms, addP50Ms, addP99Ms);
        }
    }

    /** Warm-up, then REQUESTS timed pairs of GET /healthz and an added block; tls null for plain HTTP. */
    private Figures measure(SSLContext tls) throws IOException {
        String auth = "Authorization: Bearer " + host.token() + "\r\n";
        long[] health = new long[REQUESTS];
        long[] add = new long[REQUESTS];
        try (RawHttp api = connect(tls)) {
            for (int i = -WARMUP; i < REQUESTS; i++) {
                long t0 = System.nanoTime();
                assertEquals(200, api.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
                long t1 = System.nanoTime();
                String body = "{\"prefix\":\"198.19." + (128 + (next >> 8 & 0x7f)) + "." + (next & 0xff) + "\",\"ttl_s\":3600}";
                next++;
                assertEquals(201, api.send("POST /v1/blocks HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: "
                        + body.length() + "\r\n\r\n" + body).read().status());
                long t2 = System.nanoTime();
                if (i >= 0) {
                    health[i] = t1 - t0;
                    add[i] = t2 - t1;
                }
            }
        }
        Arrays.sort(health);
        Arrays.sort(add);
        return new Figures(health[REQUESTS / 2] / 1e6, health[REQUESTS * 99 / 100] / 1e6, add[REQUESTS / 2] / 1e6,
                add[REQUESTS * 99 / 100] / 1e6);
    }

    private RawHttp connect(SSLContext tls) throws IOException {
        Socket plain = NetNamespace.inside(host.srv, () -> {
            try {
                Socket s = new Socket("127.0.0.1", 9780);
                s.setTcpNoDelay(true);
                return s;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Socket socket = tls == null ? plain : tls.getSocketFactory().createSocket(plain, "127.0.0.1", 9780, true);
        return new RawHttp(socket, 30_000);
    }
}

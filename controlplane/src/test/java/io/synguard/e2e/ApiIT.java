package io.synguard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.api.Fuzz;
import io.synguard.api.HostileRequests;
import io.synguard.api.TestCa;
import io.synguard.bpf.NetNamespace;
import io.synguard.host.HostCommand;
import io.synguard.json.Json;
import io.synguard.testing.DaemonProcess;
import io.synguard.testing.BpfTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.synguard.e2e.ProtectedHost.IFACE;
import static io.synguard.e2e.ProtectedHost.NEIGHBOUR_A;
import static io.synguard.e2e.ProtectedHost.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The daemon's API as a client on the network meets it: HTTPS through the real CLI, hostile input. */
@BpfTest
class ApiIT extends OnProtectedHost {
    private static final String LISTEN = "127.0.0.1:9780";

    @TempDir
    Path tls;

    @Test
    void theCliSpeaksHttpsToTheDaemonAndSighupSwapsItsCertificate() throws Exception {
        TestCa first = TestCa.create(tls, "first-ca");
        List<String> options = new ArrayList<>(first.issueServer(tls).runOptions());
        Path readToken = host.stateDir().resolve("read-token");
        options.addAll(List.of("--read-token-file", readToken.toString()));
        // under nohup, as a daemon started by hand may be: it inherits HUP ignored, and must still reload on it
        DaemonProcess daemon = host.launchWrapped(List.of("nohup"), IFACE, options.toArray(String[]::new));
        daemon.awaitReady(() -> cli("status", "--cacert", first.certificate().toString()).contains("enforce"),
                Duration.ofSeconds(30));
        assertTrue(daemon.output().contains("API on https://127.0.0.1:9780"), daemon.output());

        cli("block", "198.18.1.0/24", "--reason", "over TLS", "--cacert", first.certificate().toString());
        assertFalse(host.connects(NEIGHBOUR_A, SERVER), "the block made over HTTPS is enforced");
        JsonNode blocks = Json.mapper().readTree(cli("block", "--json", "--cacert", first.certificate().toString(),
                "--token-file", readToken.toString()));
        assertEquals("198.18.1.0/24", blocks.get(0).get("prefix").asText(), "the read-only token lists");
        IllegalStateException readOnly = assertThrows(IllegalStateException.class, () -> cli("unblock", "198.18.1.0/24",
                "--cacert", first.certificate().toString(), "--token-file", readToken.toString()));
        assertTrue(readOnly.getMessage().contains("HTTP 403"), readOnly.getMessage());
        IllegalStateException plain = assertThrows(IllegalStateException.class, () -> cli("status"));
        assertTrue(plain.getMessage().contains("give --cacert FILE or --tls"), plain.getMessage());

        TestCa second = TestCa.create(tls, "second-ca");
        second.issueServer(tls);
        HostCommand.run("kill", "-HUP", Long.toString(daemon.pid()));
        daemon.awaitReady(() -> cli("status", "--cacert", second.certificate().toString()).contains("enforce"),
                Duration.ofSeconds(10));
        IllegalStateException old = assertThrows(IllegalStateException.class,
                () -> cli("status", "--cacert", first.certificate().toString()));
        assertTrue(old.getMessage().contains("TLS with https://127.0.0.1:9780 failed"), old.getMessage());
        assertTrue(daemon.alive(), "SIGHUP reloads; it does not stop the daemon");
        assertTrue(daemon.output().contains("reloaded the API's TLS certificate and key"), daemon.output());
        assertTrue(daemon.output().contains("SIGHUP was ignored in this process"), "says it took HUP back: " + daemon.output());
        assertFalse(host.connects(NEIGHBOUR_A, SERVER), "and the block holds");
    }

    @Test
    void plainHttpOffLoopbackIsRefusedWithAReason() {
        DaemonProcess refused = host.launch(IFACE, "--listen", SERVER + ":9780");
        assertEquals(1, refused.awaitExit(Duration.ofSeconds(60)));
        assertTrue(refused.output().contains("refusing to serve the API in plain HTTP on " + SERVER), refused.output());
    }

    @Test
    void hostileRequestsAgainstTheLiveDaemonAreAllAnsweredAndChangeOnlyWhatTheyWereAnswered201For() {
        String readToken = "live-fuzz-read-token-0123456789";
        Path readTokenFile = host.stateDir().resolve("read-token");
        try {
            Files.writeString(readTokenFile, readToken + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        host.startDaemon("--read-token-file", readTokenFile.toString());
        long seed = Long.getLong("synguard.fuzz.seed", 20261201L);
        InetSocketAddress api = new InetSocketAddress("127.0.0.1", 9780);
        Fuzz.Report report = Fuzz.run(new HostileRequests(host.token(), readToken), seed, 1500, 32,
                () -> NetNamespace.inside(host.srv, () -> {
                    try {
                        return new Socket(api.getAddress(), api.getPort());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }), Duration.ofSeconds(40), null);
        System.out.println("live fuzz, seed " + seed + ": " + report);
        assertTrue(report.failures().isEmpty(), report.toString());

        assertEquals(200, host.api.get("/healthz").status(), "healthy after");
        Set<String> listed = new TreeSet<>();
        host.api.get("/v1/blocks").json().forEach(b -> listed.add(b.get("prefix").asText()));
        host.api.get("/v1/allows").json().forEach(a -> listed.add(a.get("prefix").asText()));
        assertEquals(new TreeSet<>(report.added()), listed, "the lists hold what was answered 201, no more");
    }

    /** A synguard client command in srv against the daemon; its output, or an exception with it. */
    private String cli(String... arguments) {
        List<String> all = new ArrayList<>(List.of(arguments));
        all.addAll(List.of("--listen", LISTEN, "--state-dir", host.stateDir().toString()));
        if (!all.contains("--token-file")) {
            all.addAll(List.of("--token-file", host.stateDir().resolve("token").toString()));
        }
        return DaemonProcess.command(host.srv, all);
    }
}

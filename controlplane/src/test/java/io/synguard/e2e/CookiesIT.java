package io.synguard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.bpf.NetNamespace;
import io.synguard.bpf.XdpLink;
import io.synguard.flood.Flood;
import io.synguard.flood.FloodGenerator;
import io.synguard.flood.Sources;
import io.synguard.net.Prefix;
import io.synguard.testing.BpfTest;
import io.synguard.testing.DaemonProcess;
import io.synguard.testing.HttpInNamespace.Reply;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.synguard.e2e.ProtectedHost.IFACE;
import static io.synguard.e2e.ProtectedHost.LEGIT;
import static io.synguard.e2e.ProtectedHost.LEGIT6;
import static io.synguard.e2e.ProtectedHost.NEIGHBOUR_A;
import static io.synguard.e2e.ProtectedHost.PORT;
import static io.synguard.e2e.ProtectedHost.SERVER;
import static io.synguard.e2e.ProtectedHost.SERVER6;
import static io.synguard.testing.DaemonProcess.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cookie step run by the daemon: real clients connect through synguard's own cookies and,
 * forced, the kernel's own (the 5.15-6.8 method), auto engages under a spoofed flood and lets go
 * after it, an interface that cannot send what XDP answers leaves the kernel's cookies in charge,
 * and a stopped or killed daemon leaves a host that accepts connections. The clients' veth end carries a pass-everything XDP program (the flood
 * generator's), without which a veth drops what its peer sends with XDP_TX.
 */
@BpfTest
class CookiesIT extends OnProtectedHost {
    private static final String SYNCOOKIES = "/proc/sys/net/ipv4/tcp_syncookies";
    private static final String TIMESTAMPS = "/proc/sys/net/ipv4/tcp_timestamps";

    private FloodGenerator generator;
    private FloodGenerator.Egress egress;
    private XdpLink replies;

    @BeforeEach
    void clientsTakeXdpTx() {
        generator = FloodGenerator.load();
        egress = new FloodGenerator.Egress(host.net, "sgc0", serverMac(), -1);
        replies = generator.receiveXdpTx(egress);
    }

    @AfterEach
    void unload() {
        if (replies != null) {
            replies.close();
        }
        if (generator != null) {
            generator.close();
        }
    }

    @Test
    void alwaysAnswersRealClientsWithCookiesFromXdpWhileBlocksKeepWorking() {
        host.startDaemon();
        Reply set = host.api.patch("/v1/config", "{\"cookies\":\"always\"}");
        assertEquals(200, set.status(), set.toString());
        JsonNode cookies = status().get("cookies");
        assertEquals("always", cookies.get("mode").asText());
        assertTrue(cookies.get("active").asBoolean(), cookies.toString());
        assertEquals("kfunc", cookies.get("method").asText());
        assertTrue(Files.exists(host.pinDir().resolve("cookie_ack_link")), "the TC half is pinned");

        assertServed(LEGIT, SERVER);
        assertServed(LEGIT6, SERVER6);
        JsonNode totals = status().get("totals");
        assertTrue(totals.get("cookies_sent").asLong() >= 2, totals.toString());
        assertTrue(totals.get("cookies_validated").asLong() >= 2, totals.toString());

        assertEquals(201, host.api.post("/v1/blocks", "{\"prefix\":\"198.18.1.0/24\"}").status());
        assertFalse(host.connects(NEIGHBOUR_A, SERVER), "a block still drops before the cookie step");
        assertServed(LEGIT, SERVER);

        assertEquals(200, host.api.patch("/v1/config", "{\"cookies\":\"off\"}").status());
        long sent = status().get("totals").get("cookies_sent").asLong();
        assertServed(LEGIT, SERVER);
        assertEquals(sent, status().get("totals").get("cookies_sent").asLong(), "off answers no more cookies");
        assertFalse(status().get("cookies").get("active").asBoolean());
    }

    @Test
    void autoEngagesUnderASpoofedFloodAndLetsGoAfterIt() throws Exception {
        DaemonProcess daemon = host.startDaemon();
        assertEquals(200, host.api.patch("/v1/config", "{\"detection\":{\"min_threshold_pps\":5000,\"learning_s\":0}}").status());
        JsonNode before = status().get("cookies");
        assertEquals("auto", before.get("mode").asText());
        assertFalse(before.get("active").asBoolean(), before.toString());

        Flood flood = Flood.of(new Sources.Spoofed(Prefix.parse("198.19.128.0/17")), Prefix.parse(SERVER), PORT,
                60_000, 60_000 * 8, Duration.ofSeconds(8));
        Thread sending = Thread.ofPlatform().start(() -> {
            try {
                generator.run(flood, egress, p -> { });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            awaitStatus(s -> s.get("cookies").get("active").asBoolean(), Duration.ofSeconds(8), "cookies on");
            assertServed(LEGIT, SERVER);
        } finally {
            generator.stop();
            sending.join();
        }
        JsonNode during = status();
        assertTrue(during.get("totals").get("cookies_sent").asLong() > 10_000, during.toString());
        awaitStatus(s -> !s.get("cookies").get("active").asBoolean(), Duration.ofSeconds(60), "cookies off again");
        String log = daemon.output();
        assertTrue(log.contains("SYN cookies ON (a random-source attack, method kfunc)"), log);
        assertTrue(log.contains("SYN cookies off (the attack has been over for"), log);
        assertTrue(metrics().contains("\nsynguard_cookie_switches_total 2.0\n"), metrics());
        assertServed(LEGIT, SERVER);
    }

    @Test
    void sigtermTurnsCookiesOffAndPutsTheSysctlBack() {
        NetNamespace.run(host.srv, () -> write(SYNCOOKIES, "0"));
        DaemonProcess daemon = host.startDaemon();
        assertEquals(200, host.api.patch("/v1/config", "{\"cookies\":\"always\"}").status());
        assertEquals("1", NetNamespace.inside(host.srv, () -> read(SYNCOOKIES)), "own cookies need syncookies on");
        assertServed(LEGIT, SERVER);
        long sent = cookiesSent();

        daemon.stop();
        assertEquals("0", NetNamespace.inside(host.srv, () -> read(SYNCOOKIES)), "put back on SIGTERM");
        assertTrue(daemon.output().contains("sysctl net.ipv4.tcp_syncookies = 0 again"), daemon.output());
        assertServed(LEGIT, SERVER);
        host.startDaemon();
        assertEquals(sent, cookiesSent(), "the program left behind answered no cookies");
    }

    @Test
    void sigkillLeavesHostAcceptingAndARestartTakesOverTheTcHalfWhichDetachRemoves() {
        NetNamespace.run(host.srv, () -> write(SYNCOOKIES, "0"));
        DaemonProcess first = host.startDaemon();
        assertEquals(200, host.api.patch("/v1/config", "{\"cookies\":\"always\"}").status());
        assertServed(LEGIT, SERVER);

        first.kill();
        assertServed(LEGIT, SERVER);
        assertServed(LEGIT6, SERVER6);

        DaemonProcess second = host.startDaemon();
        assertTrue(second.output().contains("took over the cookie ACK check"), second.output());
        assertTrue(status().get("cookies").get("active").asBoolean(), "always, from the journal");
        long sent = cookiesSent();
        assertServed(LEGIT, SERVER);
        assertTrue(cookiesSent() > sent, "the new program answers with the new secret, the new TC half checks it");

        second.stop();
        assertEquals("0", NetNamespace.inside(host.srv, () -> read(SYNCOOKIES)),
                "the value before the killed daemon set it, kept for its successor to put back");
        String out = host.detach();
        assertFalse(Files.exists(host.pinDir()), out);
        assertServed(LEGIT, SERVER);
    }

    @Test
    void theKernelsOwnCookiesServeV4AndV6WithTheirSysctlsSetOnPurposeAndPutBackOnStop() {
        NetNamespace.run(host.srv, () -> {
            write(SYNCOOKIES, "1");
            write(TIMESTAMPS, "1");
        });
        DaemonProcess daemon = host.startDaemon("--cookie-method", "kernel");
        assertEquals(200, host.api.patch("/v1/config", "{\"cookies\":\"always\"}").status());
        JsonNode cookies = status().get("cookies");
        assertEquals("kernel", cookies.get("method").asText(), cookies.toString());
        assertTrue(cookies.get("active").asBoolean(), cookies.toString());
        assertFalse(Files.exists(host.pinDir().resolve("cookie_ack_link")), "no TC half: the stack checks its own cookies");
        assertEquals("2", NetNamespace.inside(host.srv, () -> read(SYNCOOKIES)), "the helper answers only with cookies always on");
        assertEquals("2", NetNamespace.inside(host.srv, () -> read(TIMESTAMPS)), "timestamps without per-connection offsets");

        long sent = cookiesSent();
        assertServed(LEGIT, SERVER);
        assertServed(LEGIT6, SERVER6);
        assertTrue(cookiesSent() >= sent + 2, "both answered from XDP with the kernel's cookie: " + status().get("totals"));

        daemon.stop();
        assertEquals("1", NetNamespace.inside(host.srv, () -> read(SYNCOOKIES)), "put back on SIGTERM");
        assertEquals("1", NetNamespace.inside(host.srv, () -> read(TIMESTAMPS)), "put back on SIGTERM");
        assertServed(LEGIT, SERVER);
    }

    @Test
    void whereTheInterfaceCannotSendWhatXdpAnswersCookiesAreUnavailableAndTheKernelsAnswerInstead() {
        // without an XDP program (or GRO) on the clients' end, the veth loses what XDP_TX sends it
        replies.close();
        replies = null;
        NetNamespace.run(host.srv, () -> write(SYNCOOKIES, "0"));
        DaemonProcess daemon = host.startDaemon();
        assertTrue(daemon.output().contains("SYN cookies from XDP are unavailable: the peer of the veth " + IFACE),
                daemon.output());

        assertEquals(200, host.api.patch("/v1/config", "{\"cookies\":\"always\"}").status());
        JsonNode cookies = status().get("cookies");
        assertEquals("unavailable", cookies.get("method").asText(), cookies.toString());
        assertFalse(cookies.get("active").asBoolean(), cookies.toString());
        assertEquals("1", NetNamespace.inside(host.srv, () -> read(SYNCOOKIES)), "the kernel's own cookies, never silence");
        long sent = cookiesSent();
        assertServed(LEGIT, SERVER);
        assertEquals(sent, cookiesSent(), "nothing answered from XDP");

        daemon.stop();
        assertEquals("0", NetNamespace.inside(host.srv, () -> read(SYNCOOKIES)), "put back on SIGTERM");
    }

    /** A connection from source reaches the server's accept, within a few tries. */
    private void assertServed(String source, String target) {
        long accepted = host.accepted();
        for (int i = 0; i < 5 && host.accepted() == accepted; i++) {
            host.connects(source, target);
            sleep(200);
        }
        assertTrue(host.accepted() > accepted, source + " -> " + target + " was not accepted");
    }

    private void awaitStatus(Predicate<JsonNode> done, Duration limit, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.test(status())) {
            assertTrue(System.nanoTime() < deadline, what + " within " + limit + ": " + status());
            sleep(250);
        }
    }

    private long cookiesSent() {
        return status().get("totals").get("cookies_sent").asLong();
    }

    private JsonNode status() {
        Reply reply = host.api.get("/v1/status");
        assertEquals(200, reply.status(), reply.toString());
        return reply.json();
    }

    private String metrics() {
        return host.api.get("/metrics").body();
    }

    private byte[] serverMac() {
        return NetNamespace.inside(host.srv, () -> {
            try {
                return NetworkInterface.getByName(IFACE).getHardwareAddress();
            } catch (SocketException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(String file, String value) {
        try {
            Files.writeString(Path.of(file), value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

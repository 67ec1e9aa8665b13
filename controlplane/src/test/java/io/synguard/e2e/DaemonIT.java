package io.synguard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.bpf.BpfMap;
import io.synguard.bpf.MappedRegion;
import io.synguard.bpf.NetNamespace;
import io.synguard.dataplane.Abi;
import io.synguard.testing.BpfTest;
import io.synguard.testing.DaemonProcess;
import io.synguard.testing.HttpInNamespace.Reply;
import io.synguard.testing.Tcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static io.synguard.e2e.ProtectedHost.ATTACKER;
import static io.synguard.e2e.ProtectedHost.LEGIT;
import static io.synguard.e2e.ProtectedHost.LEGIT6;
import static io.synguard.e2e.ProtectedHost.NEIGHBOUR6;
import static io.synguard.e2e.ProtectedHost.NEIGHBOUR_A;
import static io.synguard.e2e.ProtectedHost.NEIGHBOUR_B;
import static io.synguard.e2e.ProtectedHost.PORT;
import static io.synguard.e2e.ProtectedHost.SERVER;
import static io.synguard.e2e.ProtectedHost.SERVER6;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * synguard as an operator runs it: the daemon process attached to a veth in front of a real TCP
 * server, driven over its REST API, judged by whether real connections get through.
 */
@BpfTest
class DaemonIT extends OnProtectedHost {
    @Test
    void aBlockStopsConnectionsFromThatPrefixAndOnlyThatPrefix() {
        host.startDaemon();
        assertTrue(host.connects(NEIGHBOUR_A, SERVER), "before the block");

        Reply added = host.api.post("/v1/blocks", "{\"prefix\":\"198.18.1.7/24\",\"reason\":\"e2e\"}");
        assertEquals(201, added.status(), added.toString());
        assertEquals("198.18.1.0/24", added.json().get("prefix").asText());

        assertFalse(host.connects(NEIGHBOUR_A, SERVER), "198.18.1.2 is inside the block");
        assertFalse(host.connects(NEIGHBOUR_B, SERVER), "198.18.1.3 is inside the block");
        assertTrue(host.connects(LEGIT, SERVER), "198.18.0.2 is outside it");
        assertTrue(host.connects(NEIGHBOUR6, SERVER6), "v6 is untouched by a v4 block");

        JsonNode blocks = host.api.get("/v1/blocks").json();
        assertEquals(1, blocks.size());
        assertTrue(blocks.get(0).get("hits").asLong() >= 2, "the dropped SYNs were counted: " + blocks);
        assertTrue(status().get("totals").get("dropped_blocklist").asLong() >= 2);

        assertEquals(204, host.api.delete("/v1/blocks/198.18.1.0%2F24").status());
        assertTrue(host.connects(NEIGHBOUR_A, SERVER), "after the unblock");
    }

    @Test
    void anIpv6BlockStopsThatPrefixOnly() {
        host.startDaemon();
        assertEquals(201, host.api.post("/v1/blocks", "{\"prefix\":\"2001:2:0:1::99/64\"}").status());
        assertEquals("2001:2:0:1::/64", host.api.get("/v1/blocks").json().get(0).get("prefix").asText());

        assertFalse(host.connects(NEIGHBOUR6, SERVER6));
        assertTrue(host.connects(LEGIT6, SERVER6));
        assertTrue(host.connects(NEIGHBOUR_A, SERVER));
    }

    @Test
    void theAllowlistWinsOverABlock() {
        host.startDaemon();
        assertEquals(201, host.api.post("/v1/blocks", "{\"prefix\":\"198.18.1.0/24\"}").status());
        assertEquals(201, host.api.post("/v1/allows", "{\"prefix\":\"198.18.1.2\"}").status());

        assertTrue(host.connects(NEIGHBOUR_A, SERVER), "allowed inside the blocked /24");
        assertFalse(host.connects(NEIGHBOUR_B, SERVER), "the rest of the /24 stays blocked");
        assertTrue(status().get("totals").get("passed_allowlist").asLong() >= 1);
    }

    @Test
    void monitorModePassesWhatItWouldDropAndCountsIt() {
        host.startDaemon("--mode", "monitor");
        assertEquals("monitor", status().get("mode").asText());
        assertEquals(201, host.api.post("/v1/blocks", "{\"prefix\":\"198.18.1.0/24\"}").status());

        assertTrue(host.connects(NEIGHBOUR_A, SERVER), "monitor mode drops nothing");
        assertTrue(status().get("totals").get("dropped_blocklist").asLong() >= 1, "but counts the would-be drop");

        Reply enforce = host.api.patch("/v1/config", "{\"mode\":\"enforce\"}");
        assertEquals(200, enforce.status(), enforce.toString());
        assertFalse(host.connects(NEIGHBOUR_A, SERVER), "enforcing after the switch");
    }

    @Test
    void aSingleSourceFloodIsRateLimitedAndAutoBlockedWhileALegitClientKeepsConnecting() throws Exception {
        DaemonProcess daemon = host.startDaemon();
        Reply config = host.api.patch("/v1/config", """
                {"rate_limit":{"syn_pps":50,"burst":100},
                 "detection":{"min_threshold_pps":1000,"auto_block":true,"auto_block_ttl_s":120,
                              "learning_s":0}}""");
        assertEquals(200, config.status(), config.toString());

        AtomicInteger tried = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        try (var legit = Executors.newSingleThreadExecutor(Thread.ofPlatform().factory())) {
            LegitClient clients = LegitClient.start(host, legit, 50);
            long sent = Tcp.synFlood(host.net, ATTACKER, SERVER, PORT, 2_000_000, Duration.ofSeconds(6));
            clients.stop();
            tried.set(clients.tried().get());
            served.set(clients.served().get());
            assertTrue(sent > 10_000, "the flood sent " + sent + " SYNs");
        }

        JsonNode status = status();
        assertTrue(status.get("totals").get("dropped_ratelimit").asLong() > 0, status.toString());
        JsonNode blocks = host.api.get("/v1/blocks").json();
        assertTrue(hasBlock(blocks, ATTACKER + "/32", "auto"), "the attacker was auto-blocked: " + blocks);
        assertTrue(status.get("totals").get("dropped_blocklist").asLong() > 0, "and its SYNs then met the block");
        assertFalse(hasBlock(blocks, LEGIT + "/32", "auto"), "the legit client was not blocked: " + blocks);
        assertTrue(served.get() >= tried.get() * 0.95, "legit served " + served + " of " + tried);
        assertTrue(tried.get() >= 20, "the legit client kept trying: " + tried);
        assertTrue(host.connects(LEGIT, SERVER));
        assertFalse(host.connects(ATTACKER, SERVER), "the attacker stays blocked");
        assertFalse(daemon.output().contains("too scattered"), "a blocked source is not a random-source flood:\n"
                + daemon.output());
    }

    @Test
    void pinsAnOlderAbiLeftStopTheStartWithOneSentenceSayingWhatToDoAndDetachClearsThem() throws IOException {
        host.startDaemon().stop();
        Path pins = host.pinDir();
        // as an ABI v1 daemon left them: its config says version 1, and it had fewer counters
        try (BpfMap config = BpfMap.openPinned(pins.resolve("sg_config")); MappedRegion region = config.mmap()) {
            region.segment().set(JAVA_INT, Abi.CONFIG.byteOffset(groupElement("abi_version")), 1);
        }
        Files.delete(pins.resolve("sg_counters"));
        try (BpfMap otherShape = BpfMap.openPinned(pins.resolve("sg_rate"))) {
            otherShape.pin(pins.resolve("sg_counters"));
        }

        DaemonProcess refused = host.launch(ProtectedHost.IFACE);
        assertNotEquals(0, refused.awaitExit(Duration.ofSeconds(60)));
        String out = refused.output();
        assertTrue(out.contains("synguard: the maps pinned under " + pins + " were written by ABI version 1, this build"
                + " speaks ABI version " + Abi.ABI_VERSION), out);
        assertTrue(out.contains("run 'synguard detach --iface IF --pin-dir " + pins + "'"), out);
        assertFalse(out.contains("\tat ") || out.contains("Exception") || out.contains("libbpf:"),
                "one sentence, neither a stack trace nor libbpf's log:\n" + out);

        host.detach();
        host.startDaemon();
        assertTrue(host.connects(LEGIT, SERVER));
    }

    @Test
    void aForcedNativeAttachFailsClearlyWhereTheDriverHasNoneAndAutoFallsBackToGeneric() {
        host.bridge("sgbr0");
        DaemonProcess forced = host.launch("sgbr0", "--attach", "native");
        assertNotEquals(0, forced.awaitExit(Duration.ofSeconds(60)));
        assertTrue(forced.output().contains("cannot attach to sgbr0 in native mode"), forced.output());

        DaemonProcess auto = host.startDaemonOn("sgbr0");
        assertEquals("generic", status().get("attach_mode").asText());
        assertTrue(auto.output().contains("attached to sgbr0 in generic mode (the driver has no native XDP)"),
                auto.output());
    }

    @Test
    void aStartThatFailsLateStopsWhatItMadeAndDetachesWhenAskedTo() throws Exception {
        // the API's address taken: the last step of a start fails, after the attach
        try (ServerSocket taken = NetNamespace.inside(host.srv, () -> bound(new InetSocketAddress("127.0.0.1", 9780)))) {
            assertTrue(taken.isBound());
            DaemonProcess failed = host.launch(ProtectedHost.IFACE, "--detach-on-exit");
            assertNotEquals(0, failed.awaitExit(Duration.ofSeconds(60)));
            assertTrue(failed.output().contains("synguard did not start; stopping what it had made"), failed.output());
            assertTrue(failed.output().contains("stopped; synguard is detached from " + ProtectedHost.IFACE),
                    failed.output());
            assertEquals("", host.xdpPrograms(), "nothing left attached");
        }
        host.startDaemon();
        assertTrue(host.connects(LEGIT, SERVER), "a start after it works as ever");
    }

    private static ServerSocket bound(InetSocketAddress address) {
        try {
            ServerSocket s = new ServerSocket();
            s.bind(address);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void killMinusNineKeepsEnforcementStateAndCountersWithOneProgram() {
        DaemonProcess first = host.startDaemon();
        assertEquals(201, host.api.post("/v1/blocks", "{\"prefix\":\"198.18.1.0/24\",\"ttl_s\":3600}").status());
        assertEquals(201, host.api.post("/v1/allows", "{\"prefix\":\"198.18.1.2/32\"}").status());
        assertFalse(host.connects(NEIGHBOUR_B, SERVER));
        long synBefore = status().get("totals").get("syn").asLong();
        String program = host.xdpPrograms();

        first.kill();
        assertFalse(host.connects(NEIGHBOUR_B, SERVER), "enforcement goes on without the daemon");
        assertTrue(host.connects(NEIGHBOUR_A, SERVER), "and so does the allow");
        assertEquals(program, host.xdpPrograms(), "the same program stays attached");

        host.startDaemon();
        JsonNode blocks = host.api.get("/v1/blocks").json();
        assertTrue(hasBlock(blocks, "198.18.1.0/24", "operator"), blocks.toString());
        assertTrue(!blocks.get(0).get("expires").isNull(), "its ttl survived: " + blocks);
        assertEquals(1, host.api.get("/v1/allows").json().size());
        assertTrue(status().get("totals").get("syn").asLong() >= synBefore + 2, "counters carried on");
        assertEquals(1, host.xdpPrograms().split("prog/xdp").length - 1, "one program: " + host.xdpPrograms());
        assertFalse(host.connects(NEIGHBOUR_B, SERVER));
    }

    @Test
    void theJournalPutsTheListsBackAfterThePinsAreGoneAsAfterAReboot() {
        DaemonProcess first = host.startDaemon();
        assertEquals(201, host.api.post("/v1/blocks", "{\"prefix\":\"198.18.1.0/24\"}").status());
        first.kill();
        host.detach();

        host.startDaemon();
        assertTrue(hasBlock(host.api.get("/v1/blocks").json(), "198.18.1.0/24", "operator"));
        assertFalse(host.connects(NEIGHBOUR_A, SERVER), "re-enforced from the journal");
    }

    @Test
    void aBusyLoadStartedBeforeTheDaemonIsNoAttackAndAFloodOnTopStillIs() throws Exception {
        // the floor far under the clients' rate, as a busy host's normal rate is over the default one;
        // the per-source limit over the one client's rate; a short learning period
        java.nio.file.Files.writeString(host.stateDir().resolve("busy.json"), """
                {"rate_limit":{"syn_pps":400,"burst":400},
                 "detection":{"min_threshold_pps":20,"learning_s":3,"auto_block_ttl_s":120}}""");
        try (var legit = Executors.newSingleThreadExecutor(Thread.ofPlatform().factory())) {
            LegitClient clients = LegitClient.start(host, legit, 4);
            sleep(1000);
            DaemonProcess daemon = host.startDaemon("--config", host.stateDir().resolve("busy.json").toString());
            boolean learnt = false;
            boolean served = false;
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < until) {
                JsonNode attack = status().get("attack");
                assertFalse(attack.get("active").asBoolean(), "the clients' own rate is no attack: " + attack);
                learnt |= !attack.get("learning").asBoolean() && attack.get("baseline_pps").asLong() > 20;
                JsonNode busiest = host.api.get("/v1/top?by=destination&limit=1").json().path(0);
                served |= SERVER.equals(busiest.path("address").asText()) && busiest.path("port").asInt() == PORT;
                sleep(250);
            }
            assertTrue(learnt, "the clients' rate was learnt: " + status());
            assertTrue(served, "the server's address and port were the busiest destination");
            int before = clients.served().get();

            long sent = Tcp.synFlood(host.net, ATTACKER, SERVER, PORT, 2_000_000, Duration.ofSeconds(6));
            clients.stop();
            assertTrue(sent > 10_000, "the flood sent " + sent + " SYNs");
            assertTrue(before > 100, "the clients were busy: " + before + " connections before the flood");
            JsonNode blocks = host.api.get("/v1/blocks").json();
            assertTrue(hasBlock(blocks, ATTACKER + "/32", "auto"), "the flood on top was caught: " + blocks
                    + "\n" + daemon.output());
            assertTrue(daemon.output().contains("most to " + SERVER + " port " + PORT), "the attack named its victim:\n"
                    + daemon.output());
            assertFalse(hasBlock(blocks, LEGIT + "/32", "auto"), "the busy client was not blocked: " + blocks);
            assertTrue(clients.served().get() >= clients.tried().get() * 0.95,
                    "legit served " + clients.served() + " of " + clients.tried());
        }
    }

    /** The legitimate client connecting to the server again and again, pauseMs apart, until stopped. */
    private record LegitClient(AtomicBoolean running, AtomicInteger tried, AtomicInteger served,
                               CompletableFuture<Void> done) {
        static LegitClient start(ProtectedHost host, java.util.concurrent.Executor on, long pauseMs) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger tried = new AtomicInteger();
            AtomicInteger served = new AtomicInteger();
            CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
                while (running.get()) {
                    tried.incrementAndGet();
                    if (Tcp.connects(host.net, LEGIT, SERVER, PORT, Duration.ofSeconds(1))) {
                        served.incrementAndGet();
                    }
                    sleep(pauseMs);
                }
            }, on);
            return new LegitClient(running, tried, served, done);
        }

        void stop() throws Exception {
            running.set(false);
            done.get();
        }
    }

    @Test
    void aFreshDaemonLearnsAndARestartKeepsWhatItLearnt() {
        DaemonProcess first = host.startDaemon();
        JsonNode learning = attackOnceTicked();
        assertTrue(learning.get("learning").asBoolean(), learning.toString());
        assertFalse(learning.get("learning_until").isNull(), learning.toString());
        assertEquals(50_000, learning.get("threshold_pps").asLong(), "only the hard threshold while learning");

        assertEquals(200, host.api.patch("/v1/config", "{\"detection\":{\"learning_s\":0}}").status());
        JsonNode learnt = awaitStatus(s -> !s.get("attack").get("learning").asBoolean()).get("attack");
        assertTrue(learnt.get("learning_until").isNull(), learnt.toString());
        assertTrue(java.nio.file.Files.exists(host.stateDir().resolve("baseline.json")), "the baseline is kept");
        assertEquals(200, host.api.patch("/v1/config", "{\"detection\":{\"learning_s\":300}}").status());
        first.kill();

        DaemonProcess second = host.startDaemon();
        JsonNode restored = attackOnceTicked();
        assertFalse(restored.get("learning").asBoolean(), "a restart does not learn again: " + restored);
        assertTrue(second.output().contains("restored the SYN rate's baseline"), second.output());
    }

    /** The status's attack once the control loop has judged an interval or two. */
    private JsonNode attackOnceTicked() {
        return awaitStatus(s -> s.get("uptime_s").asLong() >= 2).get("attack");
    }

    /** The first status done accepts, or the last one after 10 s. */
    private JsonNode awaitStatus(java.util.function.Predicate<JsonNode> done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            JsonNode s = status();
            if (done.test(s) || System.nanoTime() > deadline) {
                return s;
            }
            sleep(200);
        }
    }

    @Test
    void everyBadInputGetsItsClientErrorAndChangesNothing() {
        host.startDaemon();
        String config = host.api.get("/v1/config").body();
        record Case(String method, String path, String body, int status) {
            /** A case for each body, all to one endpoint and answered with one status. */
            static Stream<Case> each(String method, String path, int status, String... bodies) {
                return Arrays.stream(bodies).map(body -> new Case(method, path, body, status));
            }
        }
        var cases = Stream.of(
                Case.each("POST", "/v1/blocks", 400,
                        "{\"prefix\":\"300.1.1.1/8\"}", "{\"prefix\":\"10.0.0.0/33\"}", "{\"prefix\":\"::1/129\"}",
                        "{\"prefix\":\"\"}", "{\"prefix\":",
                        "{\"prefix\":\"198.18.1.0/24\",\"colour\":1}",
                        "{\"prefix\":\"198.18.1.0/24\",\"ttl_s\":\"soon\"}",
                        "[{\"prefix\":\"198.18.1.0/24\"},{\"prefix\":\"nope\"}]"),
                Case.each("POST", "/v1/allows", 400, "{\"prefix\":\"198.18.1.0/24\",\"ttl_s\":-5}"),
                Case.each("PATCH", "/v1/config", 400,
                        "{\"mode\":\"sleep\"}", "{\"rate_limit\":{\"syn_pps\":\"many\"}}",
                        "{\"detection\":{\"colour\":1}}"),
                Stream.of(new Case("PUT", "/v1/blocks", "{}", 405),
                        new Case("DELETE", "/v1/config", null, 405),
                        new Case("GET", "/v1/nothing", null, 404),
                        new Case("DELETE", "/v1/blocks/198.18.9.0%2F24", null, 404)))
                .flatMap(c -> c).toList();
        for (Case c : cases) {
            Reply reply = host.api.send(c.method, c.path, c.body);
            assertEquals(c.status, reply.status(), c + " -> " + reply);
            JsonNode error = reply.json();
            assertTrue(error.hasNonNull("error") && error.hasNonNull("detail"), c + " -> " + reply);
        }
        Reply huge = host.api.announce("POST", "/v1/blocks", 65L * 1024 * 1024, "[".getBytes());
        assertEquals(413, huge.status(), huge.toString());

        host.api.token("0".repeat(64));
        assertEquals(401, host.api.post("/v1/blocks", "{\"prefix\":\"198.18.1.0/24\"}").status());
        host.api.token(null);
        assertEquals(401, host.api.get("/v1/blocks").status());
        host.api.token(host.token());

        assertEquals("[]", host.api.get("/v1/blocks").body().strip());
        assertEquals("[]", host.api.get("/v1/allows").body().strip());
        assertEquals(config, host.api.get("/v1/config").body());
        assertTrue(host.connects(NEIGHBOUR_A, SERVER));
    }

    private JsonNode status() {
        Reply reply = host.api.get("/v1/status");
        assertEquals(200, reply.status(), reply.toString());
        return reply.json();
    }

    private static boolean hasBlock(JsonNode rules, String prefix, String origin) {
        for (JsonNode r : rules) {
            if (r.get("prefix").asText().equals(prefix) && r.get("origin").asText().equals(origin)) {
                return true;
            }
        }
        return false;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.synguard.api;

import io.synguard.net.RawHttp;
import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.dataplane.RuleKind;
import io.synguard.json.Json;
import io.synguard.net.Prefix;
import io.synguard.policy.Origin;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real server on a loopback port, spoken to over sockets by hand: what a connection may cost
 * it (idle and stalled ones closed, a cap on how many) and what order its answers keep.
 */
class ConnectionsTest {
    private static final String TOKEN = "connections-test-token-0123456789";
    private static final Duration IDLE = Duration.ofMillis(400);

    @TempDir
    Path dir;

    private FakeService service;
    private final List<ApiServer> servers = new ArrayList<>();
    private AuditLines auditLines;

    @BeforeEach
    void start() {
        service = new FakeService(dir);
        auditLines = new AuditLines();
    }

    @AfterEach
    void stop() {
        servers.forEach(ApiServer::close);
        service.close();
        auditLines.close();
    }

    private InetSocketAddress serve(ApiServer.Config config) throws InterruptedException {
        ApiServer server = service.serve(config, new Tokens(TOKEN));
        servers.add(server);
        return server.address();
    }

    private static ApiServer.Config loopback() {
        return ApiServer.Config.plain(new InetSocketAddress("127.0.0.1", 0));
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n";
    }

    @Test
    void anIdleConnectionIsClosedAfterTheTimeout() throws Exception {
        InetSocketAddress server = serve(loopback().withIdleTimeout(IDLE));
        try (RawHttp silent = RawHttp.connect(server); RawHttp served = RawHttp.connect(server)) {
            assertEquals(200, served.send(get("/healthz")).read().status());
            long start = System.nanoTime();
            assertTrue(silent.closedByServer(), "a connection that sends nothing is closed");
            assertTrue(served.closedByServer(), "so is a kept-alive one that sends nothing more");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= IDLE.toMillis() / 2 && ms < 5_000, "closed after " + ms + " ms");
        }
    }

    @Test
    void aRequestStalledPartWayIsAnswered408AndClosed() throws Exception {
        InetSocketAddress server = serve(loopback().withIdleTimeout(IDLE));
        try (RawHttp stalled = RawHttp.connect(server)) {
            RawHttp.Response r = stalled.send("POST /v1/blocks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Length: 40\r\n\r\n{\"prefix\":").read();
            assertEquals(408, r.status(), r.body());
            assertEquals("timeout", Json.mapper().readTree(r.body()).get("error").asText());
            assertTrue(stalled.closedByServer());
        }
        assertEquals(0, service.policy().size(RuleKind.BLOCK));
        try (RawHttp halfAHead = RawHttp.connect(server)) {
            assertEquals(408, halfAHead.send("GET /v1/blocks HT").read().status());
            assertTrue(halfAHead.closedByServer());
        }
    }

    @Test
    void aHeadTrickledInSlowerThanItsDeadlineIsAnswered408AndClosed() throws Exception {
        InetSocketAddress server = serve(loopback().withIdleTimeout(IDLE));
        assertTrickledRequestIs408(server, "", get("/healthz"));
    }

    @Test
    void aBodyTrickledInSlowerThanItsDeadlineIsAnswered408AndClosedAndAudited() throws Exception {
        InetSocketAddress server = serve(loopback().withIdleTimeout(IDLE));
        String body = "{\"prefix\":\"198.18.0.0/24\",\"reason\":\"trickled in, one byte at a time\"}";
        assertTrickledRequestIs408(server, "POST /v1/blocks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Length: " + body.length() + "\r\n\r\n", body);
        assertEquals(0, service.policy().size(RuleKind.BLOCK), "nothing of it applied");
        assertTrue(auditLines.texts().stream().anyMatch(line -> line.contains("\"status\":408")
                && line.contains("\"peer\":\"127.0.0.1:")), "the 408 is audited with its peer");
    }

    /**
     * Sends whole, then trickles one byte of rest every IDLE/4 (never idle that long, so only the
     * request's deadline can end it): answered 408 within the deadline and some slack, then closed.
     */
    private static void assertTrickledRequestIs408(InetSocketAddress server, String whole, String rest) throws Exception {
        try (RawHttp client = RawHttp.connect(server)) {
            long start = System.nanoTime();
            client.send(whole);
            Thread trickle = Thread.ofVirtual().start(() -> {
                try {
                    for (char c : rest.toCharArray()) {
                        client.send(String.valueOf(c));
                        Thread.sleep(IDLE.toMillis() / 4);
                    }
                } catch (IOException | InterruptedException closed) {
                    // the server stopped reading, or the test ended
                }
            });
            try {
                RawHttp.Response r = client.read();
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertEquals(408, r.status(), r.body());
                assertEquals("timeout", Json.mapper().readTree(r.body()).get("error").asText());
                assertTrue(ms >= IDLE.toMillis() && ms < IDLE.toMillis() + 1_500, "answered after " + ms + " ms");
                assertTrue(client.closedByServer());
            } finally {
                trickle.interrupt();
            }
        }
    }

    @Test
    void aLargeBodyArrivingSteadilyOutlastsTheDeadlineAndIsServed() throws Exception {
        InetSocketAddress server = serve(loopback().withIdleTimeout(IDLE));
        String padding = " ".repeat(16 << 10);
        String body = "[" + padding.repeat(16) + "{\"prefix\":\"198.18.9.0/24\"}]";
        try (RawHttp client = RawHttp.connect(server)) {
            long start = System.nanoTime();
            client.send("POST /v1/blocks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\nContent-Length: "
                    + body.length() + "\r\n\r\n[");
            for (int i = 0; i < 16; i++) {
                Thread.sleep(IDLE.toMillis() / 4);
                client.send(padding);
            }
            RawHttp.Response r = client.send(body.substring(1 + padding.length() * 16)).read();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(201, r.status(), r.body());
            assertTrue(ms > 3 * IDLE.toMillis(), "256 KiB at some 160 KiB/s took " + ms + " ms, past the bare timeout");
        }
        assertEquals(1, service.policy().size(RuleKind.BLOCK));
    }

    @Test
    void requestsArrivingWholeInTimeAreServedHoweverLongTheConnectionLives() throws Exception {
        InetSocketAddress server = serve(loopback().withIdleTimeout(IDLE));
        String head = "POST /v1/blocks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\nContent-Length: ";
        try (RawHttp client = RawHttp.connect(server)) {
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                String body = "{\"prefix\":\"198.18." + i + ".0/24\"}";
                client.send(head + body.length() + "\r\n\r\n" + body.substring(0, 5));
                Thread.sleep(IDLE.toMillis() / 2);
                assertEquals(201, client.send(body.substring(5)).read().status(), "request " + i);
                Thread.sleep(IDLE.toMillis() / 2);
            }
            assertTrue((System.nanoTime() - start) / 1_000_000 > 4 * IDLE.toMillis(), "the connection outlived "
                    + "the deadline several times over");
            long idleFrom = System.nanoTime();
            assertTrue(client.closedByServer(), "and closes once idle");
            long ms = (System.nanoTime() - idleFrom) / 1_000_000;
            assertTrue(ms >= IDLE.toMillis() / 4 && ms < 5_000, "closed idle after " + ms + " ms");
        }
        assertEquals(5, service.policy().size(RuleKind.BLOCK));
    }

    @Test
    void theDefaultIdleTimeoutIs30Seconds() {
        assertEquals(Duration.ofSeconds(30), ApiServer.Config.plain(new InetSocketAddress("127.0.0.1", 0)).idleTimeout());
        assertEquals(256, ApiServer.Config.plain(new InetSocketAddress("127.0.0.1", 0)).maxConnections());
    }

    @Test
    void connectionsOverTheCapAreAnswered503AndClosedAndTheCapFreesAsTheyClose() throws Exception {
        InetSocketAddress server = serve(loopback().withMaxConnections(2));
        RawHttp first = RawHttp.connect(server);
        try (RawHttp second = RawHttp.connect(server)) {
            assertEquals(200, first.send(get("/healthz")).read().status());
            assertEquals(200, second.send(get("/healthz")).read().status());
            try (RawHttp third = RawHttp.connect(server)) {
                RawHttp.Response refused = third.read();
                assertEquals(503, refused.status(), refused.body());
                assertEquals("busy", Json.mapper().readTree(refused.body()).get("error").asText());
                assertEquals("1", refused.headers().get("retry-after"));
                assertTrue(third.closedByServer());
            }
            first.close();
            RawHttp.Response later = null;
            for (int i = 0; i < 50 && (later == null || later.status() == 503); i++) {
                Thread.sleep(20);
                try (RawHttp again = RawHttp.connect(server)) {
                    later = again.send(get("/healthz")).read();
                } catch (IOException refusedStill) {
                    later = null;
                }
            }
            assertEquals(200, later == null ? -1 : later.status(), "a slot is free again once one closes");
            assertEquals(200, second.send(get("/healthz")).read().status(), "those admitted are served on");
        }
        assertTrue(auditLines.texts().stream().anyMatch(line -> line.contains("\"status\":503")),
                "the refusal is audited");
    }

    @Test
    void aWrongTokenAnnouncing60MiBIsAnswered401BeforeTheBodyIsSent() throws Exception {
        InetSocketAddress server = serve(loopback());
        try (RawHttp warm = RawHttp.connect(server)) {
            warm.send(get("/healthz")).read();
        }
        try (RawHttp client = RawHttp.connect(server)) {
            long start = System.nanoTime();
            RawHttp.Response r = client.send("POST /v1/blocks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong-token-0123"
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + (60 << 20) + "\r\n\r\n").read();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(401, r.status(), r.body());
            assertTrue(ms < 100, "answered in " + ms + " ms");
            System.out.println("401 for a wrong token announcing 60 MiB: " + ms + " ms, no byte of the body sent");
            assertTrue(client.closedByServer(), "and the connection closed, its body unread");
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInTheOrderTheyCame() throws Exception {
        InetSocketAddress server = serve(loopback());
        StringBuilder bulk = new StringBuilder("[");
        for (int i = 0; i < 20_000; i++) {
            bulk.append(i == 0 ? "" : ",").append("{\"prefix\":\"10.").append(i >> 8 & 0xff).append('.')
                    .append(i & 0xff).append(".0/24\"}");
        }
        byte[] body = bulk.append(']').toString().getBytes(StandardCharsets.UTF_8);
        try (RawHttp client = RawHttp.connect(server)) {
            client.send("POST /v1/blocks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\nContent-Length: "
                    + body.length + "\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1)
                    + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + get("/v1/nothing") + get("/v1/blocks"));
            assertEquals(201, client.read().status());
            assertEquals("{\"status\":\"ok\"}", client.read().body());
            assertEquals(404, client.read().status());
            JsonNode blocks = Json.mapper().readTree(client.read().body());
            assertEquals(20_000, blocks.size(), "the list after the import, as it came after it");
        }
    }

    @Test
    void aListingToAnHttp10RequestEndsWithTheConnectionRatherThanInChunks() throws Exception {
        service.policy().put(RuleKind.BLOCK, Prefix.parse("198.18.1.0/24"), null, "http 1.0", Origin.OPERATOR);
        InetSocketAddress server = serve(loopback());
        try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /v1/blocks HTTP/1.0\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String head = text.substring(0, text.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
            assertTrue(head.startsWith("http/1.1 200") && head.contains("connection: close"), head);
            assertFalse(head.contains("transfer-encoding") || head.contains("content-length"), head);
            JsonNode blocks = Json.mapper().readTree(text.substring(text.indexOf("\r\n\r\n") + 4));
            assertEquals("198.18.1.0/24", blocks.get(0).get("prefix").asText());
            assertEquals(1, blocks.size());
        }
    }

    @Test
    void aChunkedBodyGrowingPastTheLimitIs413AndAudited() throws Exception {
        InetSocketAddress server = serve(loopback());
        try (RawHttp client = RawHttp.connect(server)) {
            client.send("POST /v1/blocks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = ("100000\r\n" + " ".repeat(0x100000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            RawHttp.Response r = null;
            try {
                for (int i = 0; i <= ApiServer.MAX_BODY / 0x100000; i++) {
                    client.send(chunk);
                }
            } catch (IOException closedMidBody) {
                // the server may close before the last chunk
            }
            r = client.read();
            assertEquals(413, r.status(), r.body());
            assertTrue(client.closedByServer());
        }
        assertTrue(auditLines.texts().stream().anyMatch(line -> line.contains("\"status\":413")
                && line.contains("\"peer\":\"127.0.0.1:")), "the 413 is audited with its peer");
        assertEquals(0, service.policy().size(RuleKind.BLOCK));
    }

    @Test
    void plainHttpOffLoopbackIsRefusedUnlessAskedFor() {
        InetSocketAddress outside = new InetSocketAddress("198.18.0.1", 9780);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiServer.Config.plain(outside));
        assertTrue(e.getMessage().contains("refusing to serve the API in plain HTTP on 198.18.0.1"), e.getMessage());
        assertTrue(e.getMessage().contains("--insecure-listen"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ApiServer.Config.plain(new InetSocketAddress("0.0.0.0", 9780)));
        ApiServer.Config insecure = new ApiServer.Config(outside, null, null, true, 256, Duration.ofSeconds(30), false);
        assertEquals("http", insecure.scheme());
        ApiServer.Config tls = new ApiServer.Config(outside, Path.of("c.pem"), Path.of("k.pem"), false, 256,
                Duration.ofSeconds(30), false);
        assertEquals("https", tls.scheme());
        assertThrows(IllegalArgumentException.class, () -> new ApiServer.Config(outside, Path.of("c.pem"), null, false,
                256, Duration.ofSeconds(30), false));
    }
}

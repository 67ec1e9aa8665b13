package io.synguard.api;

import io.synguard.net.RawHttp;
import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.dataplane.RuleKind;
import io.synguard.json.Json;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real server on a loopback port, with the fake service behind it, spoken to over HTTP. */
class ApiServerTest {
    private static final String TOKEN = "server-test-token-0123456789";

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<ApiServer> servers = new ArrayList<>();
    private AuditLines auditLines;
    private FakeService service;
    private Tokens tokens;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        auditLines = new AuditLines();
        service = new FakeService(dir);
        tokens = new Tokens(TOKEN);
        address = start(false);
    }

    private InetSocketAddress start(boolean metricsPublic) throws InterruptedException {
        ApiServer server = service.serve(ApiServer.Config.plain(new InetSocketAddress("127.0.0.1", 0))
                .withMetricsPublic(metricsPublic), tokens);
        servers.add(server);
        return server.address();
    }

    @AfterEach
    void stop() {
        servers.forEach(ApiServer::close);
        client.close();
        service.close();
        auditLines.close();
    }

    private HttpResponse<String> send(InetSocketAddress to, String method, String path, String body, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.getPort() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String body, String token)
            throws IOException, InterruptedException {
        return send(address, method, path, body, token);
    }

    private static JsonNode assertError(HttpResponse<String> response, int status) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        JsonNode json = Json.mapper().readTree(response.body());
        assertEquals(2, json.size(), response.body());
        assertTrue(json.get("error").isTextual() && json.get("detail").isTextual(), response.body());
        return json;
    }

    @Test
    void listensOnTheEphemeralPortItWasGiven() {
        assertEquals("127.0.0.1", address.getAddress().getHostAddress());
        assertNotEquals(0, address.getPort());
    }

    @Test
    void aTakenAddressIsRefusedWithTheAddressInTheMessage() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> service.serve(ApiServer.Config.plain(address), tokens));
        assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + address.getPort() + ": "), e.getMessage());
    }

    @Test
    void healthzAnswersWithoutAToken() throws Exception {
        HttpResponse<String> response = send("GET", "/healthz", null, null);
        assertEquals(200, response.statusCode());
        assertEquals("{\"status\":\"ok\"}", response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void otherPathsAre401WithoutTheRightToken() throws Exception {
        HttpResponse<String> missing = send("GET", "/v1/status", null, null);
        assertError(missing, 401);
        assertEquals("Bearer", missing.headers().firstValue("WWW-Authenticate").orElse(""));
        assertError(send("GET", "/v1/status", null, "wrong"), 401);
        assertError(send("POST", "/v1/blocks", "{\"prefix\":\"198.18.1.0/24\"}", "wrong"), 401);
        assertEquals(0, service.policy().size(RuleKind.BLOCK));
        assertEquals(200, send("GET", "/v1/status", null, TOKEN).statusCode());
    }

    @Test
    void anUnknownPathIs404AndAWrongMethodIs405() throws Exception {
        assertError(send("GET", "/v1/nothing", null, TOKEN), 404);
        HttpResponse<String> wrongMethod = send("PUT", "/v1/config", "{}", TOKEN);
        assertError(wrongMethod, 405);
        assertEquals("GET, PATCH", wrongMethod.headers().firstValue("Allow").orElse(""));
    }

    @Test
    void aBodyDeclaredOverTheLimitIs413WithAJsonError() throws Exception {
        RawResponse response = raw("POST /v1/blocks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: " + (ApiServer.MAX_BODY + 1L) + "\r\n\r\n[");
        assertRefusedAsTooLarge(response);
    }

    @Test
    void aBodyOverTheLimitAwaitingContinueIs413WithAJsonError() throws Exception {
        RawResponse response = raw("POST /v1/blocks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: "
                + (ApiServer.MAX_BODY + 1L) + "\r\n\r\n");
        assertRefusedAsTooLarge(response);
    }

    /** A JSON 413, the connection closed, nothing changed. */
    private void assertRefusedAsTooLarge(RawResponse response) throws Exception {
        assertEquals(413, response.status());
        assertEquals("application/json", response.headers().get("content-type"));
        assertEquals("too_large", Json.mapper().readTree(response.body()).get("error").asText());
        assertTrue(response.closed());
        assertEquals(List.of(), service.store.changes);
    }

    @Test
    void aLargeBulkImportFitsUnderTheLimit() throws Exception {
        int n = 50_000;
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            body.append(i == 0 ? "" : ",").append("{\"prefix\":\"10.").append(i >> 8 & 0xff).append('.')
                    .append(i & 0xff).append(".0/24\",\"ttl_s\":600,\"reason\":\"bulk\"}");
        }
        HttpResponse<String> response = send("POST", "/v1/blocks", body.append(']').toString(), TOKEN);
        assertEquals(201, response.statusCode(), response.body());
        assertEquals("{\"added\":" + n + "}", response.body());
        assertEquals(n, service.policy().size(RuleKind.BLOCK));
    }

    @Test
    void aMutatingCallLeavesAnAuditLine() throws Exception {
        assertEquals(201, send("POST", "/v1/blocks", "{\"prefix\":\"198.18.1.7/24\",\"reason\":\"r\"}", TOKEN).statusCode());
        send("GET", "/v1/blocks", null, TOKEN);

        assertEquals(1, auditLines.texts().size(), "GETs are not audited");
        String line = auditLines.texts().getFirst();
        assertFalse(line.contains(TOKEN), "the audit log never holds the token");
        JsonNode audit = Json.mapper().readTree(line);
        assertEquals("2026-11-24T12:00:00Z", audit.get("time").asText());
        assertTrue(audit.get("peer").asText().startsWith("127.0.0.1:"), line);
        assertEquals(Tokens.idOf(TOKEN), audit.get("token_id").asText());
        assertEquals("POST", audit.get("method").asText());
        assertEquals("/v1/blocks", audit.get("path").asText());
        assertEquals(201, audit.get("status").asInt());
        assertTrue(audit.get("before").isNull(), line);
        assertEquals("198.18.1.0/24", audit.get("after").get("prefix").asText());
    }

    @Test
    void refusedMutatingCallsAreAuditedToo() throws Exception {
        assertEquals(400, send("POST", "/v1/blocks", "{\"prefix\":\"10.0.0.0/33\"}", TOKEN).statusCode());
        assertEquals(401, send("DELETE", "/v1/blocks/198.18.1.0%2F24", null, "wrong").statusCode());

        List<JsonNode> lines = auditLines.json();
        assertEquals(2, lines.size());
        assertEquals(400, lines.get(0).get("status").asInt());
        assertEquals(Tokens.idOf(TOKEN), lines.get(0).get("token_id").asText());
        assertEquals(401, lines.get(1).get("status").asInt());
        assertEquals("DELETE", lines.get(1).get("method").asText());
        assertTrue(lines.get(1).get("token_id").isNull());
    }

    @Test
    void metricsAreSynguardPrometheusTextBehindTheToken() throws Exception {
        assertError(send("GET", "/metrics", null, null), 401);
        send("POST", "/v1/blocks", "{\"prefix\":\"198.18.1.0/24\"}", TOKEN);

        HttpResponse<String> response = send("GET", "/metrics", null, TOKEN);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        String text = response.body();
        String[] totals = {"packets", "tcp", "syn", "syn_passed", "dropped_blocklist", "dropped_ratelimit",
                "passed_allowlist", "malformed", "cookies_sent", "cookies_validated", "cookies_rejected"};
        for (int i = 0; i < totals.length; i++) {
            assertTrue(text.contains("\nsynguard_" + totals[i] + "_total " + (1001 + i) + ".0\n"), totals[i] + " in\n" + text);
        }
        assertTrue(text.contains("\nsynguard_cookies_active 1.0\n"), text);
        assertTrue(text.contains("\nsynguard_blocks{origin=\"operator\"} 1.0\n"), text);
        assertTrue(text.contains("\nsynguard_blocks{origin=\"auto\"} 0.0\n"), text);
        assertTrue(text.contains("\nsynguard_learning 0.0\n"), "the fake daemon's baseline is learnt:\n" + text);
        for (String line : text.split("\n")) {
            assertTrue(line.startsWith("#") || line.startsWith("synguard_"), line);
        }
    }

    @Test
    void metricsCanBePublicWhileTheRestIsNot() throws Exception {
        InetSocketAddress open = start(true);
        HttpResponse<String> response = send(open, "GET", "/metrics", null, null);
        assertEquals(200, response.statusCode());
        assertTrue(response.body().contains("synguard_syn_total"));
        assertError(send(open, "GET", "/v1/status", null, null), 401);
    }

    // ---- a raw HTTP/1.1 exchange, for requests HttpClient will not make ------------------------------

    /** closed: whether the server closed the connection after it. */
    record RawResponse(int status, Map<String, String> headers, String body, boolean closed) {}

    private RawResponse raw(String request) throws IOException {
        try (RawHttp connection = RawHttp.connect(address)) {
            RawHttp.Response r = connection.send(request).read();
            return new RawResponse(r.status(), r.headers(), r.body(), connection.closedByServer());
        }
    }
}

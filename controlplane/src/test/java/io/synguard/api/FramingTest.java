package io.synguard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.config.Settings;
import io.synguard.dataplane.RuleKind;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests as bytes through the server's real pipeline (the codec included) on an embedded
 * channel: every class of broken framing gets its status and a JSON error, and a closed
 * connection; nothing broken reaches an endpoint; every buffer is released.
 */
class FramingTest {
    private static final String TOKEN = "framing-test-token-0123456789";
    private static final String READ_TOKEN = "framing-test-read-only-0123456789";
    private static final String HEAD = "POST /v1/blocks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
            + "\r\nContent-Type: application/json\r\n";

    @TempDir
    Path dir;

    private FakeService service;
    private Exchange api;
    private AuditLines auditLines;

    @BeforeEach
    void start() {
        service = new FakeService(dir);
        api = new Exchange(service.router(), new Tokens(TOKEN, READ_TOKEN), TOKEN);
        auditLines = new AuditLines();
    }

    @AfterEach
    void stop() {
        api.close();
        service.close();
        auditLines.close();
    }

    static Stream<Arguments> brokenFraming() {
        String get = "GET /v1/blocks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n";
        return Stream.of(
                Arguments.of("a request line of one word", "GARBAGE\r\n\r\n", 400),
                Arguments.of("a request line without a version", "GET /v1/blocks\r\nHost: x\r\n\r\n", 400),
                Arguments.of("a bad version", "GET /v1/blocks HTTP/x.y\r\nHost: x\r\n\r\n", 400),
                Arguments.of("a header without a colon", get + "Broken header line\r\n\r\n", 400),
                Arguments.of("a space before the colon", get + "X-Spaced : 1\r\n\r\n", 400),
                Arguments.of("a control byte in a header", get + "X-Ctl: a\u0000b\r\n\r\n", 400),
                Arguments.of("a Content-Length that is no number", HEAD + "Content-Length: abc\r\n\r\n{}", 400),
                Arguments.of("a negative Content-Length", HEAD + "Content-Length: -5\r\n\r\n{}", 400),
                Arguments.of("two Content-Lengths that differ", HEAD + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400),
                Arguments.of("Content-Length beside chunked", HEAD + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 400),
                Arguments.of("a chunk size that is no number", HEAD + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400),
                Arguments.of("a URI over 8 KiB", "GET /v1/blocks?" + "a".repeat(Framing.MAX_URI) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
                Arguments.of("a request line over its limit", "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
                Arguments.of("headers over 16 KiB", get + ("X-Pad: " + "p".repeat(1000) + "\r\n").repeat(17) + "\r\n", 431));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("brokenFraming")
    void brokenFramingGetsItsStatusAndAClosedConnection(String what, String request, int status) {
        List<Exchange.Reply> replies = api.raw(request);
        assertEquals(1, replies.size(), what + ": " + replies);
        replies.getFirst().assertError(status);
        assertEquals("close", replies.getFirst().headers().get("Connection"));
        assertFalse(api.open(), what + ": the connection stays open");
        assertNothingChanged();
        JsonNode audit = lastAudit();
        assertEquals(status, audit.get("status").asInt());
        assertTrue(audit.get("peer").asText().startsWith("127.0.0.1:"), audit.toString());
        assertFalse(audit.get("reason").asText().isEmpty());
    }

    @Test
    void aFailedRequestLineIsNotServedAsAnotherRequest() {
        api.raw("GET /v1/blocks HTTP/1.1 extra\r\nHost: x\r\n\r\n").getFirst().assertError(400);
        JsonNode audit = lastAudit();
        assertTrue(audit.get("method").isNull() && audit.get("path").isNull(), "no '/bad-request': " + audit);
    }

    @Test
    void aUriOfExactly8KiBIsServed() {
        String uri = "/v1/top?limit=5&pad=" + "a".repeat(Framing.MAX_URI - "/v1/top?limit=5&pad=".length());
        assertEquals(Framing.MAX_URI, uri.length());
        Exchange.Reply reply = api.get(uri);
        assertEquals(200, reply.status(), reply.body());
    }

    @Test
    void aChunkedBulkImportCutOffMidBodyChangesNothing() {
        String body = "[{\"prefix\":\"198.18.1.0/24\"},{\"prefix\":\"198.18.2.0/24\"},{\"prefix\":\"198.18.3.0/24\"}]";
        String half = body.substring(0, 40);
        List<Exchange.Reply> replies = api.raw(HEAD + "Transfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(half.length()) + "\r\n" + half + "\r\n");
        assertEquals(List.of(), replies, "nothing is answered before the body is whole");
        api.disconnect();
        assertNothingChanged();
    }

    @Test
    void aChunkedBulkImportWhoseFramingBreaksPartWayChangesNothing() {
        String body = "[{\"prefix\":\"198.18.1.0/24\"},{\"prefix\":\"198.18.2.0/24\"}]";
        String whole = body.substring(0, 27) + "]"; // a whole, valid import of the first prefix
        List<Exchange.Reply> replies = api.raw(HEAD + "Transfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(whole.length()) + "\r\n" + whole + "\r\nnot-a-size\r\n\r\n");
        assertEquals(1, replies.size(), replies.toString());
        replies.getFirst().assertError(400);
        assertFalse(api.open());
        assertNothingChanged();
    }

    @Test
    void aBodyCutOffBeforeItsContentLengthChangesNothing() {
        String body = "[{\"prefix\":\"198.18.1.0/24\"}]";
        assertEquals(List.of(), api.raw(HEAD + "Content-Length: 100\r\n\r\n" + body));
        api.disconnect();
        assertNothingChanged();
    }

    @Test
    void aWholeChunkedBulkImportIsApplied() {
        String body = "[{\"prefix\":\"198.18.1.0/24\"},{\"prefix\":\"198.18.2.0/24\"}]";
        List<Exchange.Reply> replies = api.raw(HEAD + "Transfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(20) + "\r\n" + body.substring(0, 20) + "\r\n"
                + Integer.toHexString(body.length() - 20) + "\r\n" + body.substring(20) + "\r\n0\r\n\r\n");
        assertEquals(201, replies.getFirst().status(), replies.toString());
        assertEquals(2, service.policy().size(RuleKind.BLOCK));
        assertTrue(api.open(), "a request served keeps its connection");
    }

    @Test
    void aBadEscapeInTheQueryOrPathIs400AndTheConnectionServesOn() {
        api.get("/v1/blocks?x=%zz").assertError(400);
        assertTrue(api.open());
        api.get("/v1/top?limit=%zz").assertError(400);
        api.delete("/v1/blocks/198.18.1.0%zz24").assertError(400);
        assertEquals(200, api.get("/v1/blocks").status());
    }

    @Test
    void aWrongTokenIsRefusedOnTheHeadBeforeAnyOfTheBody() {
        List<Exchange.Reply> replies = api.raw("POST /v1/blocks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer not-the-token-0123\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + (60 << 20) + "\r\n\r\n");
        assertEquals(1, replies.size(), replies.toString());
        replies.getFirst().assertError(401);
        assertEquals("Bearer", replies.getFirst().headers().get("WWW-Authenticate"));
        assertFalse(api.open(), "the body is not read: the connection closes");
        JsonNode audit = lastAudit();
        assertEquals(401, audit.get("status").asInt());
        assertEquals("POST", audit.get("method").asText());
        assertFalse(audit.toString().contains("not-the-token-0123"), "no token in the audit: " + audit);
    }

    @Test
    void aRefusedRequestWithoutABodyKeepsItsConnection() {
        api.call("GET", "/v1/blocks", null, "wrong").assertError(401);
        assertTrue(api.open());
        api.get("/v1/nothing").assertError(404);
        assertTrue(api.open());
        assertEquals(200, api.get("/v1/blocks").status());
    }

    @Test
    void aBodyAnnouncedOverTheLimitIs413OnTheHead() {
        List<Exchange.Reply> replies = api.raw(HEAD + "Content-Length: " + (ApiServer.MAX_BODY + 1L) + "\r\n\r\n[");
        replies.getFirst().assertError(413);
        assertFalse(api.open());
        assertEquals(413, lastAudit().get("status").asInt());
    }

    @Test
    void anUnknownExpectationIs417() {
        api.raw(HEAD + "Expect: teapot\r\nContent-Length: 2\r\n\r\n").getFirst().assertError(417);
    }

    @Test
    void theReadOnlyTokenMayGetButNotWrite() {
        assertEquals(200, api.call("GET", "/v1/blocks", null, READ_TOKEN).status());
        assertEquals(200, api.call("GET", "/v1/status", null, READ_TOKEN).status());
        api.call("POST", "/v1/blocks", "{\"prefix\":\"198.18.1.0/24\"}", READ_TOKEN).assertError(403);
        api.call("PATCH", "/v1/config", "{\"mode\":\"monitor\"}", READ_TOKEN).assertError(403);
        api.call("DELETE", "/v1/blocks/198.18.1.0%2F24", null, READ_TOKEN).assertError(403);
        assertNothingChanged();
        assertEquals(403, lastAudit().get("status").asInt());
        assertEquals(Tokens.idOf(READ_TOKEN), lastAudit().get("token_id").asText(), "the audit names who was refused");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        String auth = "Authorization: Bearer " + TOKEN + "\r\n";
        List<Exchange.Reply> replies = api.raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /v1/blocks HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 26\r\n\r\n{\"prefix\":\"198.18.1.0/24\"}"
                + "GET /v1/nothing HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n"
                + "GET /v1/blocks HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n");
        assertEquals(List.of(200, 201, 404, 200), replies.stream().map(Exchange.Reply::status).toList());
        assertTrue(replies.get(3).body().contains("198.18.1.0/24"), replies.get(3).body());
    }

    private void assertNothingChanged() {
        assertEquals(List.of(), service.store.changes, "changes reached the data plane");
        assertEquals(0, service.policy().size(RuleKind.BLOCK), "blocks");
        assertEquals(List.of(), service.applied, "settings patches applied");
        assertEquals(Settings.DEFAULTS, service.settings());
    }

    private JsonNode lastAudit() {
        JsonNode line = auditLines.last();
        assertFalse(line.toString().contains(TOKEN), "the audit never holds the token");
        return line;
    }
}

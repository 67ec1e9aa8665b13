package io.synguard.api;

import io.synguard.net.RawHttp;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.synguard.dataplane.RuleKind;
import io.synguard.json.Json;
import io.synguard.net.Family;
import io.synguard.net.Prefix;
import io.synguard.policy.Origin;
import io.synguard.policy.Policy;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A large listing over a real socket: made only as fast as the client reads it (a client that
 * stops reading stops the making, so the server never holds the list), whole and in order once
 * read, and the connection still good for the next request.
 */
class StreamedListingTest {
    private static final String TOKEN = "streamed-listing-token-0123456789";
    private static final int BLOCKS = 300_000;
    private static final ObjectReader ENTRY = Json.mapper().readerFor(JsonNode.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @TempDir
    Path dir;

    private FakeService service;
    private ApiServer server;

    @BeforeEach
    void start() throws InterruptedException {
        service = new FakeService(dir);
        List<Policy.Request> requests = new ArrayList<>(BLOCKS);
        for (int i = 0; i < BLOCKS; i++) {
            int a = 0x0a000000 + i * 7;
            byte[] address = {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
            requests.add(new Policy.Request(Prefix.of(Family.V4, address, 32), null, "listed " + (i % 10)));
        }
        service.policy().putAll(RuleKind.BLOCK, requests, Origin.OPERATOR);
        server = service.serve(ApiServer.Config.plain(new InetSocketAddress("127.0.0.1", 0)), new Tokens(TOKEN));
    }

    @AfterEach
    void stop() {
        server.close();
        service.close();
    }

    @Test
    void aClientThatStopsReadingStopsTheMakingAndThenGetsAllOfItInOrder() throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(1 << 16);
            socket.connect(server.address());
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET /v1/blocks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertTrue(new String(in.readNBytes(12), StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
            Thread.sleep(1500); // reading nothing: the server fills the socket's buffers, then waits
            long made = service.store.hitsAsked.get();
            System.out.println("streamed listing: " + made + " of " + BLOCKS + " entries made while the client read nothing");
            assertTrue(made > 0 && made < BLOCKS / 3,
                    made + " of " + BLOCKS + " entries made while the client read nothing");

            RawHttp rest = new RawHttp(socket, 20_000);
            String body = restOfTheAnswer(in);
            int listed = 0;
            Prefix last = null;
            try (JsonParser parser = Json.mapper().createParser(body)) {
                assertEquals(JsonToken.START_ARRAY, parser.nextToken());
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    JsonNode entry = ENTRY.readValue(parser);
                    Prefix p = Prefix.parse(entry.get("prefix").asText());
                    assertTrue(last == null || last.compareTo(p) < 0, last + " then " + p);
                    last = p;
                    listed++;
                }
            }
            assertEquals(BLOCKS, listed);
            assertEquals(BLOCKS, service.store.hitsAsked.get());
            socket.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals(200, rest.read().status(), "the connection serves on after a streamed answer");
        }
    }

    /** The head's remaining lines, then the chunked body. */
    private static String restOfTheAnswer(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
        }
        assertTrue(head.toString().toLowerCase().contains("transfer-encoding: chunked"), head.toString());
        return RawHttp.chunked(in).toString(StandardCharsets.UTF_8);
    }
}

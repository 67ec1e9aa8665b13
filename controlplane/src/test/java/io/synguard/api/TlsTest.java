package io.synguard.api;

import io.synguard.net.RawHttp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server on HTTPS, with certificates from a CA made for the test, and their reload. */
class TlsTest {
    private static final String TOKEN = "tls-test-token-0123456789";

    @TempDir
    Path dir;

    private FakeService service;
    private TestCa ca;
    private TestCa.ServerFiles files;
    private ApiServer server;

    @BeforeEach
    void start() throws InterruptedException {
        service = new FakeService(dir);
        ca = TestCa.create(dir, "first-ca");
        files = ca.issueServer(dir);
        server = service.serve(ApiServer.Config.plain(new InetSocketAddress("127.0.0.1", 0))
                .withTls(files.cert(), files.key()), new Tokens(TOKEN));
    }

    @AfterEach
    void stop() {
        server.close();
        service.close();
    }

    private int status(SSLContext trust, String path) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build()) {
            return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.address().getPort() + path))
                    .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }

    @Test
    void servesHttpsToAClientThatTrustsItsCa() throws Exception {
        assertEquals(200, status(ca.clientContext(), "/v1/status"));
        assertEquals(401, statusWithoutToken());
    }

    private int statusWithoutToken() throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext()).build()) {
            return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.address().getPort()
                    + "/v1/blocks")).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }

    @Test
    void plainHttpOnTheTlsPortIsClosedNotLeftHanging() throws Exception {
        try (RawHttp plain = RawHttp.connect(server.address())) {
            plain.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(plain.closedByServer());
        }
    }

    @Test
    void aReloadServesTheNewCertificateToNewConnectionsKeepingTheListenerAndTheOpenOnes() throws Exception {
        SSLSocket open = (SSLSocket) ca.clientContext().getSocketFactory().createSocket("127.0.0.1", server.address().getPort());
        try (RawHttp kept = new RawHttp(open, 10_000)) {
            String get = "GET /v1/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n";
            assertEquals(200, kept.send(get).read().status());

            TestCa next = TestCa.create(dir, "second-ca");
            next.issueServer(dir);
            int port = server.address().getPort();
            server.reloadTls();

            assertEquals(port, server.address().getPort());
            assertEquals(200, status(next.clientContext(), "/v1/status"), "new connections get the new certificate");
            assertThrows(SSLHandshakeException.class, () -> status(ca.clientContext(), "/v1/status"));
            assertEquals(200, kept.send(get).read().status(), "an open connection keeps its session");

            Files.writeString(files.key(), "not a key");
            assertThrows(IllegalStateException.class, server::reloadTls);
            assertEquals(200, status(next.clientContext(), "/v1/status"), "a failed reload keeps what was served");
        }
    }
}

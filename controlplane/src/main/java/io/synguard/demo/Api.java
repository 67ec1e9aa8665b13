package io.synguard.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.bpf.NetNamespace;
import io.synguard.config.TokenFile;
import io.synguard.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The daemon's REST API as seen from inside its namespace, where it listens on the loopback: each
 * request's socket is made in there (a socket belongs to the namespace it was made in), then used
 * from anywhere. One request per connection; the token is read from its file when first needed.
 */
final class Api {
    private static final int TIMEOUT_MS = 5_000;

    private final Path namespace;
    private final InetSocketAddress address;
    private final Path tokenFile;
    private String token;

    Api(Path namespace, InetSocketAddress address, Path tokenFile) {
        this.namespace = namespace;
        this.address = address;
        this.tokenFile = tokenFile;
    }

    /** Whether {@code GET /healthz} answers 200: the program is attached and the API serves. */
    boolean healthy() {
        try {
            return exchange("/healthz", null).status == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** The JSON of a GET on path, with the token; throws unless it answers 200. */
    JsonNode get(String path) {
        if (token == null) {
            token = TokenFile.read(tokenFile);
        }
        Reply r = exchange(path, token);
        if (r.status != 200) {
            throw new IllegalStateException("GET " + path + " answered HTTP " + r.status + ": " + r.body);
        }
        try {
            return Json.mapper().readTree(r.body);
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " answered no JSON: " + r.body, e);
        }
    }

    private record Reply(int status, String body) {}

    private Reply exchange(String path, String bearer) {
        // HTTP/1.0: a listing's body then ends with the connection rather than in chunks
        String head = "GET " + path + " HTTP/1.0\r\nHost: " + address.getHostString() + "\r\nConnection: close\r\n"
                + (bearer == null ? "" : "Authorization: Bearer " + bearer + "\r\n") + "\r\n";
        try (Socket socket = NetNamespace.inside(namespace, this::connect)) {
            socket.setSoTimeout(TIMEOUT_MS);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 ") || end < 0) {
                throw new IOException("no HTTP reply: " + text);
            }
            return new Reply(Integer.parseInt(text.substring(9, 12)), text.substring(end + 4));
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " from synguard at " + address, e);
        }
    }

    private Socket connect() {
        Socket socket = new Socket();
        try {
            socket.connect(address, TIMEOUT_MS);
            return socket;
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new UncheckedIOException("cannot connect to synguard at " + address, e);
        }
    }
}

package io.synguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.net.RawHttp;
import io.synguard.bpf.NetNamespace;
import io.synguard.json.Json;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A plain HTTP/1.1 client whose connections are made inside a network namespace, for talking to a
 * daemon whose API listens on that namespace's loopback. One request per connection.
 */
public final class HttpInNamespace {
    private final Path namespace;
    private final InetSocketAddress server;
    private volatile String token;

    public HttpInNamespace(Path namespace, InetSocketAddress server) {
        this.namespace = namespace;
        this.server = server;
    }

    /** The bearer token sent from now on; null for none. */
    public void token(String value) {
        token = value;
    }

    public record Reply(int status, String body) {
        public JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (HTTP " + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return "HTTP " + status + " " + body;
        }
    }

    public Reply get(String path) {
        return send("GET", path, null);
    }

    public Reply post(String path, String json) {
        return send("POST", path, json);
    }

    public Reply patch(String path, String json) {
        return send("PATCH", path, json);
    }

    public Reply delete(String path) {
        return send("DELETE", path, null);
    }

    public Reply send(String method, String path, String json) {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        return exchange(head(method, path, body.length), body);
    }

    /** Sends the head with a declared Content-Length but only prefix of the body, then reads the reply. */
    public Reply announce(String method, String path, long contentLength, byte[] prefix) {
        return exchange(head(method, path, contentLength), prefix);
    }

    private String head(String method, String path, long contentLength) {
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(server.getHostString()).append("\r\n")
                .append("Connection: close\r\n");
        if (token != null) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        if (contentLength > 0) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(contentLength).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    private Reply exchange(String head, byte[] body) {
        try (Socket socket = connect()) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(head.lines().findFirst().orElse("") + " to " + server, e);
        }
    }

    private Socket connect() {
        return NetNamespace.inside(namespace, () -> {
            Socket socket = new Socket();
            try {
                socket.connect(server, 2_000);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot connect to " + server + " in " + namespace, e);
            }
            return socket;
        });
    }

    private static Reply read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no HTTP reply: " + text);
        }
        int status = Integer.parseInt(text.substring(9, 12));
        if (text.substring(0, end).toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked")) {
            byte[] bytes = all.toByteArray();
            InputStream body = new ByteArrayInputStream(bytes, end + 4, bytes.length - end - 4);
            return new Reply(status, RawHttp.chunked(body).toString(StandardCharsets.UTF_8));
        }
        return new Reply(status, text.substring(end + 4));
    }
}

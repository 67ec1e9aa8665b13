package io.synguard.bench;

import io.synguard.bpf.NetNamespace;
import io.synguard.net.RawHttp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One persistent HTTP/1.1 connection to the daemon's API, opened inside the daemon's network
 * namespace: requests go one after another on it, as a script's would, and cost what the server
 * costs rather than a handshake each.
 */
final class KeepAliveClient implements AutoCloseable {
    private final RawHttp http;
    private final String token;

    record Reply(int status, String body) {}

    KeepAliveClient(Path namespace, InetSocketAddress server, String token) {
        this.token = token;
        this.http = new RawHttp(NetNamespace.inside(namespace, () -> {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(server, 2_000);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot connect to the API at " + server, e);
            }
            return s;
        }), 120_000);
    }

    Reply send(String method, String path, byte[] body) {
        try {
            String head = method + " " + path + " HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
            http.send(head.getBytes(StandardCharsets.US_ASCII)).send(body);
            RawHttp.Response response = http.read();
            return new Reply(response.status(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        }
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}

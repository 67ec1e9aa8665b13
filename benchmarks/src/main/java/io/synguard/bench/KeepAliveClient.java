package io.synguard.bench;

import io.synguard.bpf.NetNamespace;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String token;

    record Reply(int status, String body) {}

    KeepAliveClient(Path namespace, InetSocketAddress server, String token) {
        this.token = token;
        this.socket = NetNamespace.inside(namespace, () -> {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(server, 2_000);
                s.setSoTimeout(120_000);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot connect to the API at " + server, e);
            }
            return s;
        });
        try {
            this.out = socket.getOutputStream();
            this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Reply send(String method, String path, byte[] body) {
        try {
            String head = method + " " + path + " HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return read();
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        }
    }

    private Reply read() throws IOException {
        String status = line();
        long length = 0;
        for (String h; !(h = line()).isEmpty(); ) {
            int colon = h.indexOf(':');
            if (colon > 0 && h.substring(0, colon).equalsIgnoreCase("content-length")) {
                length = Long.parseLong(h.substring(colon + 1).strip());
            }
        }
        byte[] body = in.readNBytes((int) length);
        return new Reply(Integer.parseInt(status.substring(9, 12)), new String(body, StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("the API closed the connection");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

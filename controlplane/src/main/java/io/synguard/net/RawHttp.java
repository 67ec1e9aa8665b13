package io.synguard.net;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One client connection speaking HTTP/1.1 by hand: for requests an HTTP client will not make (the API
 * tests), and for a connection opened inside another network namespace (the benchmarks).
 */
public final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    public RawHttp(Socket socket, int timeoutMs) {
        try {
            this.socket = socket;
            socket.setSoTimeout(timeoutMs);
            this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RawHttp connect(InetSocketAddress server) {
        try {
            return new RawHttp(new Socket(server.getAddress(), server.getPort()), 10_000);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + server, e);
        }
    }

    /** A response; its body read by its Content-Length, or chunk by chunk. */
    public record Response(int status, Map<String, String> headers, String body) {}

    public RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** The next response; throws if the connection ends or times out first. */
    public Response read() throws IOException {
        return read(false);
    }

    /** The next response, with no body to read if bodiless (the answer to a HEAD). */
    public Response read(boolean bodiless) throws IOException {
        return parse(line(), bodiless);
    }

    /** The next response, or null if the server ends the connection cleanly first. */
    public Response next() throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        return parse((char) first + line(), false);
    }

    private Response parse(String statusLine, boolean bodiless) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IOException("not a header: " + h);
            }
            headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
        }
        String body;
        if (!bodiless && "chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = chunked(in).toString(StandardCharsets.UTF_8);
        } else {
            int length = bodiless ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
            body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
        String[] words = statusLine.split(" ");
        if (words.length < 2 || !words[0].startsWith("HTTP/1.") || !words[1].matches("[1-5][0-9][0-9]")) {
            throw new IOException("not an HTTP/1.1 status line: " + statusLine);
        }
        return new Response(Integer.parseInt(words[1]), headers, body);
    }

    /** A chunked body read from in: every chunk up to the last, empty one, and the (empty) trailer after it. */
    public static ByteArrayOutputStream chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size; (size = Integer.parseInt(line(in).strip(), 16)) > 0; ) {
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new IOException("connection closed inside a chunk");
            }
            body.writeBytes(chunk);
            if (!line(in).isEmpty()) {
                throw new IOException("a chunk not followed by CRLF");
            }
        }
        while (!line(in).isEmpty()) {
            // trailer fields: none are sent
        }
        return body;
    }

    /** Whether the server ends the connection (rather than send more) within the read timeout. */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private String line() throws IOException {
        return line(in);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-line after '" + out + "'");
            }
            if (b != '\r') {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

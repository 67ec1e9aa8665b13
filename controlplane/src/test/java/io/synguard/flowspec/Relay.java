package io.synguard.flowspec;

import io.synguard.bpf.NetNamespace;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP port on this namespace's loopback whose connections are made again inside another
 * namespace, to a server listening on that one's loopback: how a test reaches gobgpd's gRPC there.
 */
final class Relay implements AutoCloseable {
    private final ServerSocket listener;
    private final Path namespace;
    private final InetSocketAddress target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    Relay(Path namespace, InetSocketAddress target) throws IOException {
        this.listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        this.namespace = namespace;
        this.target = target;
        Thread.ofPlatform().name("relay-accept").daemon().start(this::accept);
    }

    String address() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket in = listener.accept();
                Socket out = NetNamespace.inside(namespace, () -> {
                    Socket s = new Socket();
                    try {
                        s.connect(target, 2_000);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return s;
                });
                open.add(in);
                open.add(out);
                pump(in, out);
                pump(out, in);
            } catch (IOException | UncheckedIOException e) {
                // closed, or the server is not there: the client sees its connection end
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        Thread.ofPlatform().name("relay-pump").daemon().start(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // one side closed
            } finally {
                closeQuietly(to);
            }
        });
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        open.forEach(Relay::closeQuietly);
    }
}

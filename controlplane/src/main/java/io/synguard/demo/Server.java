package io.synguard.demo;

import io.synguard.bpf.NetNamespace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The protected server: a TCP service in the server's namespace that greets every connection with
 * a line and closes it. The kernel answers a SYN flood for it with SYN cookies, as it would for any
 * listening socket.
 */
final class Server {
    static final String GREETING = "hello from the protected server";
    private static final byte[] LINE = (GREETING + "\n").getBytes(StandardCharsets.US_ASCII);
    private static final int BACKLOG = 1024;

    private final ServerSocket socket;
    private final Thread acceptor;

    private Server(ServerSocket socket) {
        this.socket = socket;
        this.acceptor = Thread.ofPlatform().name("demo-server").daemon().start(this::serve);
    }

    /** Listens on address:port inside namespace. */
    static Server start(Path namespace, String address, int port) {
        return new Server(NetNamespace.inside(namespace, () -> {
            try {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(address), port), BACKLOG);
                return s;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on " + address + ":" + port, e);
            }
        }));
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                client.getOutputStream().write(LINE);
            } catch (IOException e) {
                // a client gone early, or the socket closed: the loop decides
            }
        }
    }

    void stop() throws InterruptedException {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor.join();
    }
}

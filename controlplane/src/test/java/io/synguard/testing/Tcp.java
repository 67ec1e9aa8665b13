package io.synguard.testing;

import io.synguard.bpf.NetNamespace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Real TCP from inside network namespaces: a server that accepts, client connects, SYN floods. */
public final class Tcp {
    private Tcp() {}

    /** A server accepting (and closing) connections on every address given, inside namespace. */
    public static final class Server implements AutoCloseable {
        private final List<ServerSocket> sockets = new ArrayList<>();
        private final AtomicLong accepted = new AtomicLong();

        public Server(Path namespace, int port, String... addresses) {
            for (String address : addresses) {
                ServerSocket socket = NetNamespace.inside(namespace, () -> listen(address, port));
                sockets.add(socket);
                Thread.ofPlatform().daemon().name("tcp-server-" + address).start(() -> accept(socket));
            }
        }

        private static ServerSocket listen(String address, int port) {
            try {
                ServerSocket socket = new ServerSocket();
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(address), port), 4096);
                return socket;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on " + address + ":" + port, e);
            }
        }

        private void accept(ServerSocket socket) {
            while (!socket.isClosed()) {
                try {
                    socket.accept().close();
                    accepted.incrementAndGet();
                } catch (IOException e) {
                    // closed: the loop ends
                }
            }
        }

        public long accepted() {
            return accepted.get();
        }

        @Override
        public void close() throws IOException {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    /** Whether a connection from source (an address in namespace) to target:port is made within timeout. */
    public static boolean connects(Path namespace, String source, String target, int port, Duration timeout) {
        // a socket gets its namespace when its descriptor is made, which java.net.Socket defers to bind
        return NetNamespace.inside(namespace, () -> {
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
                socket.connect(new InetSocketAddress(InetAddress.getByName(target), port), (int) timeout.toMillis());
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException("connect " + source + " -> " + target + ":" + port, e);
            }
        });
    }

    /**
     * Sends up to count SYNs from source to target:port within at most limit: each a non-blocking
     * connect whose socket is closed at once, so nothing is retransmitted and no state is kept.
     *
     * @return the SYNs sent
     */
    public static long synFlood(Path namespace, String source, String target, int port, long count, Duration limit) {
        InetSocketAddress from;
        InetSocketAddress to;
        try {
            from = new InetSocketAddress(InetAddress.getByName(source), 0);
            to = new InetSocketAddress(InetAddress.getByName(target), port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return NetNamespace.inside(namespace, () -> {
            long deadline = System.nanoTime() + limit.toNanos();
            long sent = 0;
            while (sent < count && System.nanoTime() < deadline) {
                try (SocketChannel channel = SocketChannel.open()) {
                    channel.configureBlocking(false);
                    channel.bind(from);
                    channel.connect(to);
                    sent++;
                } catch (IOException e) {
                    throw new UncheckedIOException("SYN " + source + " -> " + target, e);
                }
            }
            return sent;
        });
    }
}

package io.synguard.dataplane;

import io.synguard.bpf.NetNamespace;
import io.synguard.host.NamespaceNetwork;
import io.synguard.testing.TestNetwork;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the cookie tests run on: a small Dataplane (and, when asked, its TC half), and a network
 * namespace of their own where a real socket listens on port 80, both families. The programs look
 * listeners up in the namespace of the thread that runs them, so test runs go through
 * {@link #inside}. Closing removes it all, failure or not.
 */
final class CookieTestbed implements AutoCloseable {
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final Path path;
    final Dataplane dataplane;
    private CookieAck ack;

    /** sysctls: settings for the namespace, such as {@code net.ipv4.tcp_syncookies=2}. */
    CookieTestbed(String role, String... sysctls) {
        NamespaceNetwork network = TestNetwork.create();
        owned.add(network);
        try {
            String name = network.namespace(role);
            path = NamespaceNetwork.path(name);
            for (String s : sysctls) {
                network.exec(name, "sysctl", "-qw", s);
            }
            owned.add(inside(() -> {
                try {
                    return ServerSocketChannel.open().bind(new InetSocketAddress("::", 80));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
            dataplane = Dataplane.load(Dataplane.Options.defaults().withMaxRules(64).withRateSets(64));
            owned.add(dataplane);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The TC half, loaded over the Dataplane's maps on first use; it needs the kfunc (6.9+). */
    CookieAck ack() {
        if (ack == null) {
            ack = CookieAck.load(dataplane).orElseThrow(() -> new AssertionError(
                    "the cookie ACK program does not load on this kernel (6.9+ has the kfunc)"));
            owned.add(ack);
        }
        return ack;
    }

    /** Runs action with the calling thread in the namespace. */
    <T> T inside(Supplier<T> action) {
        return NetNamespace.inside(path, action);
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (AutoCloseable c : owned.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                }
            }
        }
        owned.clear();
        if (first != null) {
            throw first;
        }
    }
}

package io.synguard.api;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;

/**
 * The server's TLS context, from a PEM certificate chain and a PEM (PKCS#8) key. {@link #reload}
 * reads the files again and swaps the context whole; each new connection takes the current one,
 * those open keep theirs, and the listener stays.
 */
final class Tls {
    private final Path cert;
    private final Path key;
    private final AtomicReference<SslContext> context;

    private Tls(Path cert, Path key, SslContext first) {
        this.cert = cert;
        this.key = key;
        this.context = new AtomicReference<>(first);
    }

    /** The context of these files; throws with the files named if they do not make one. */
    static Tls load(Path cert, Path key) {
        return new Tls(cert, key, read(cert, key));
    }

    SslContext current() {
        return context.get();
    }

    /** Reads the files again; on failure throws, and the context in use stays. */
    void reload() {
        context.set(read(cert, key));
    }

    private static SslContext read(Path cert, Path key) {
        try {
            return SslContextBuilder.forServer(cert.toFile(), key.toFile()).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot use " + cert + " and " + key + " for TLS: " + e.getMessage(), e);
        }
    }
}

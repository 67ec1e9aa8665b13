package io.synguard.api;

import io.synguard.cli.CaTrust;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A certificate authority made for one test with openssl, in a directory of its own: its
 * certificate ({@code ca.pem}) and server certificates it signs for 127.0.0.1 and localhost (P-256
 * keys, PEM, the key in PKCS#8), good for a day.
 */
public final class TestCa {
    private final Path dir;

    private TestCa(Path dir) {
        this.dir = dir;
    }

    /** A new CA in dir/name. */
    public static TestCa create(Path dir, String name) {
        Path home = dir.resolve(name);
        try {
            Files.createDirectories(home);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl(home, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=" + name);
        return new TestCa(home);
    }

    public Path certificate() {
        return dir.resolve("ca.pem");
    }

    /** A server's certificate and key, as files. */
    public record ServerFiles(Path cert, Path key) {
        /** The options that make {@code synguard run} serve HTTPS with them. */
        public List<String> runOptions() {
            return List.of("--tls-cert", cert.toString(), "--tls-key", key.toString());
        }
    }

    /** A server certificate this CA signs, written to dir/cert.pem, and its key to dir/key.pem. */
    public ServerFiles issueServer(Path dir) {
        ServerFiles files = new ServerFiles(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        issueServer(files.cert(), files.key());
        return files;
    }

    private void issueServer(Path certFile, Path keyFile) {
        try {
            Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", keyFile.toAbsolutePath().toString(), "-out", "server.csr", "-subj", "/CN=localhost");
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", certFile.toAbsolutePath().toString(), "-days", "1", "-extfile", "san.ext");
    }

    /** A client context that trusts this CA alone, as the CLI's {@code --cacert} makes it. */
    public SSLContext clientContext() {
        return CaTrust.context(certificate());
    }

    private static void openssl(Path dir, String... arguments) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

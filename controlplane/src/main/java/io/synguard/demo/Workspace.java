package io.synguard.demo;

import io.synguard.bpf.Bpffs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The demo's files: a temporary directory (mode 0700) holding the daemon's state directory and
 * log, and a private bpffs for its pins, so that nothing touches /sys/fs/bpf or /var/lib/synguard.
 * Closing unmounts the bpffs, which drops every pin in it, and deletes the directory.
 */
final class Workspace implements AutoCloseable {
    private final Path root;
    private boolean mounted;

    private Workspace(Path root) {
        this.root = root;
    }

    static Workspace create(long pid) {
        Workspace w;
        try {
            w = new Workspace(Files.createTempDirectory("sgdemo-" + pid + "-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary directory", e);
        }
        try {
            Files.createDirectory(w.bpffs());
            Bpffs.mount(w.bpffs());
            w.mounted = true;
            return w;
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    Path root() {
        return root;
    }

    Path bpffs() {
        return root.resolve("bpffs");
    }

    Path pinDirectory(String iface) {
        return bpffs().resolve(iface);
    }

    Path stateDirectory() {
        return root.resolve("state");
    }

    /** Settings synguard starts with. */
    Path config() {
        return root.resolve("config.json");
    }

    Path daemonLog() {
        return root.resolve("daemon.log");
    }

    /** Whether any of it is still there: the mount or the directory. */
    boolean remains() {
        return Bpffs.mountedAt(bpffs()) || Files.exists(root);
    }

    @Override
    public void close() {
        if (mounted) {
            Bpffs.unmount(bpffs());
            mounted = false;
        }
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}

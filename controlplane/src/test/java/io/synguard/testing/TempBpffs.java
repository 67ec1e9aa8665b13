package io.synguard.testing;

import io.synguard.host.HostCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A private bpffs mounted on a temporary directory, so tests pin without touching /sys/fs/bpf.
 * Closing unmounts it, which removes every pin in it.
 */
public final class TempBpffs implements AutoCloseable {
    private final Path root;

    public TempBpffs() {
        try {
            root = Files.createTempDirectory("synguard-bpffs-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HostCommand.run("mount", "-t", "bpf", "bpf", root.toString());
    }

    public Path root() {
        return root;
    }

    @Override
    public void close() {
        HostCommand.run("umount", root.toString());
        try {
            Files.delete(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.synguard.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Skips a class that needs BPF where it cannot have it; fails it instead under CI=true. */
public final class RequiresBpf implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        String missing = missing();
        if (missing == null) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(context.getDisplayName() + " needs BPF and CI=true: " + missing);
        }
        Assumptions.abort(missing + "; run the tests as root (CI does)");
    }

    private static String missing() {
        if (effectiveUid() != 0) {
            return "not root";
        }
        if (!Files.exists(Path.of("/sys/kernel/btf/vmlinux")) && !Files.isDirectory(Path.of("/sys/fs/bpf"))) {
            return "this kernel shows no sign of BPF support";
        }
        return null;
    }

    static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.split("\\s+")[2]);
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}

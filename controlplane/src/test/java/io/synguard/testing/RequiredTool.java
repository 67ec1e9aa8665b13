package io.synguard.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * A command-line tool a test runs. Missing, the test is skipped, unless CI=true, where it fails:
 * './synguard setup' installs every tool the suite needs, so CI never passes without them.
 */
public final class RequiredTool {
    private RequiredTool() {}

    /** The tool's path on PATH; skips (fails under CI=true) when it is not there. */
    public static Path require(String name, String installHint) {
        Optional<Path> found = find(name);
        if (found.isPresent()) {
            return found.get();
        }
        String missing = name + " is missing (" + installHint + ")";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(missing + " and CI=true: the test must run");
        }
        Assumptions.abort(missing);
        throw new AssertionError("unreachable");
    }

    /** The tool's path on PATH, if it is there. */
    public static Optional<Path> find(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}

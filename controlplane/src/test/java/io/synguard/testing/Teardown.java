package io.synguard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Taking down what a test's world made: every step runs even when one before it failed. */
public final class Teardown {
    private Teardown() {}

    /** One thing to take down. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    /** Runs every step in order; then throws the first failure, if any. */
    public static void all(List<Step> steps) {
        RuntimeException first = null;
        for (Step step : steps) {
            try {
                step.run();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof RuntimeException r ? r
                            : e instanceof IOException io ? new UncheckedIOException(io) : new IllegalStateException(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** A step that closes resource, if there is one: the world may have failed before making it. */
    public static Step closing(AutoCloseable resource) {
        return () -> {
            if (resource != null) {
                resource.close();
            }
        };
    }

    /** Deletes dir and everything below it; nothing if it does not exist. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.synguard.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a host tool (ip, mount, ethtool, nft...) to its end and returns what it printed, stdout and
 * stderr together. The output is read while the tool runs, so one that prints more than a pipe
 * holds does not stall; one that runs past its limit is killed. A failure says what it printed.
 */
public final class HostCommand {
    /** How long a tool may take unless the caller says otherwise. */
    public static final Duration LIMIT = Duration.ofSeconds(30);

    private HostCommand() {}

    /** Runs command within {@link #LIMIT}; its output. */
    public static String run(String... command) {
        return run(LIMIT, List.of(command));
    }

    /**
     * Runs command to its end; its output.
     *
     * @throws IllegalStateException if it cannot start, exits other than 0, or takes longer than limit
     */
    public static String run(Duration limit, List<String> command) {
        String shown = String.join(" ", command);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.getFirst() + " (" + e.getMessage()
                    + "); './synguard setup' installs the tools synguard uses", e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().name("output of " + command.getFirst()).start(() -> drain(p.getInputStream(), out));
        try {
            if (!p.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IllegalStateException(shown + ": no answer within " + limit.toSeconds() + " s");
            }
            // the tool has ended; a child it left behind may still hold the pipe open
            if (!reader.join(Duration.ofSeconds(5))) {
                throw new IllegalStateException(shown + ": its output did not end with it");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + shown, e);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(shown + " exited " + p.exitValue() + ": " + text.strip());
        }
        return text;
    }

    private static void drain(InputStream in, ByteArrayOutputStream out) {
        try (in) {
            in.transferTo(out);
        } catch (IOException closed) {
            // the process was killed: what was read so far stands
        }
    }
}

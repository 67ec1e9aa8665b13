package io.synguard.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The system tool the demo builds its network with (ip); a failure says what the tool printed. */
final class Command {
    private static final long LIMIT_S = 30;

    private Command() {}

    /** Runs command to its end and returns its output; throws if it fails or takes more than 30 s. */
    static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(LIMIT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": no answer within " + LIMIT_S + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0] + " (" + e.getMessage() + "); './synguard setup'"
                    + " installs iproute2", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + List.of(command), e);
        }
    }
}

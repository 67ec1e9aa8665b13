package io.synguard.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** Where the daemon's API listens and where its state and token are: shared by run and the clients. */
final class DaemonOptions {
    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9780",
            description = "Where the daemon's API listens (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/synguard",
            description = "The daemon's state directory: journal, token, audit log (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "The API token's file (default: STATE_DIR/token; the daemon makes it, mode 0600, when"
                    + " missing).")
    Path tokenFile;

    Path token() {
        return tokenFile != null ? tokenFile : stateDir.resolve("token");
    }
}

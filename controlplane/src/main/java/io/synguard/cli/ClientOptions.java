package io.synguard.cli;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** Where the daemon's API is and how to reach it: shared by every client command. */
final class ClientOptions {
    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9780",
            description = "Where the daemon's API listens (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/synguard",
            description = "The daemon's state directory, where the token is (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "The API token's file (default: STATE_DIR/token).")
    Path tokenFile;

    @Option(names = "--json", description = "Print the API's JSON instead of a table.")
    boolean json;

    Path token() {
        return tokenFile != null ? tokenFile : stateDir.resolve("token");
    }

    ApiClient client() {
        return new ApiClient(listen, token());
    }
}

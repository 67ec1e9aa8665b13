package io.synguard.cli;

import java.nio.file.Path;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How to reach the daemon's API and how to print its answers: shared by every client command. */
final class ClientOptions {
    @Mixin
    DaemonOptions daemon;

    @Option(names = "--cacert", paramLabel = "FILE", description = "Speak HTTPS, trusting the PEM CA certificate(s)"
            + " in FILE (for a daemon run with --tls-cert).")
    Path cacert;

    @Option(names = "--tls", description = "Speak HTTPS, trusting the system's CAs (implied by --cacert).")
    boolean tls;

    @Option(names = "--json", description = "Print the API's JSON instead of a table.")
    boolean json;

    ApiClient client() {
        return new ApiClient(daemon.listen, daemon.token(), cacert != null || tls, cacert);
    }
}

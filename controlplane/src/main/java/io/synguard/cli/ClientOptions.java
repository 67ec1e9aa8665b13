package io.synguard.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How to reach the daemon's API and how to print its answers: shared by every client command. */
final class ClientOptions {
    @Mixin
    DaemonOptions daemon;

    @Option(names = "--json", description = "Print the API's JSON instead of a table.")
    boolean json;

    ApiClient client() {
        return new ApiClient(daemon.listen, daemon.token());
    }
}

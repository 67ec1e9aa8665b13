package io.synguard.cli;

import io.synguard.api.ApiServer;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** How the daemon serves its API, beyond where (--listen): HTTPS, a read-only token, its limits. */
final class ApiOptions {
    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Serve HTTPS with this PEM certificate (chain);"
            + " with --tls-key. Both are read again on SIGHUP.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The PEM (PKCS#8) private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--insecure-listen", description = "Allow plain HTTP on an address other than loopback (the"
            + " token then crosses the network in the clear).")
    boolean insecureListen;

    @Option(names = "--read-token-file", paramLabel = "FILE", description = "A second, read-only API token's file:"
            + " it may GET, a write with it gets 403 (made like the main one when missing).")
    Path readTokenFile;

    @Option(names = "--max-connections", defaultValue = "256", paramLabel = "N",
            description = "API connections served at once; more are answered 503 (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--metrics-public", description = "Serve /metrics without the token.")
    boolean metricsPublic;

    /** The server's configuration on listen; throws if these options do not go together. */
    ApiServer.Config config(String listen) {
        return new ApiServer.Config(Listen.parse(listen), tlsCert, tlsKey, insecureListen, maxConnections,
                ApiServer.Config.IDLE_TIMEOUT, metricsPublic);
    }
}

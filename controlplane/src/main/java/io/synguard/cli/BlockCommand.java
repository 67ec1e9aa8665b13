package io.synguard.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "block", description = {"Block a prefix: its initial SYNs are dropped.", "With no prefix, lists them."})
final class BlockCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Parameters(arity = "0..1", paramLabel = "PREFIX", description = "CIDR, or a bare address (/32, /128).")
    String prefix;

    @Option(names = "--file", paramLabel = "FILE", description = "Import every prefix of FILE, one a line.")
    Path file;

    @Option(names = "--ttl", paramLabel = "DURATION", description = "Lapse after this long: 3600, 90s, 10m, 1h, 2d.")
    String ttl;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for whoever reads the list later.")
    String reason;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (prefix == null && file == null) {
            Rules.list(client, "blocks", spec.commandLine().getOut());
        } else if (prefix != null && file != null) {
            throw new IllegalArgumentException("give a prefix or --file, not both");
        } else {
            Rules.add(client, "blocks", prefix, file, ttl, reason, spec.commandLine().getOut());
        }
        return 0;
    }
}

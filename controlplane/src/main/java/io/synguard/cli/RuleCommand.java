package io.synguard.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** What block and allow, unblock and disallow share: the same calls on /v1/blocks or /v1/allows. */
final class RuleCommand {
    private RuleCommand() {}

    /** Adds a prefix (or a file of them) to a list, or lists it when given none. */
    abstract static class Add implements Callable<Integer> {
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

        /** The list's collection in the API: "blocks" or "allows". */
        abstract String list();

        @Override
        public Integer call() {
            if (prefix == null && file == null) {
                Rules.list(client, list(), spec.commandLine().getOut());
            } else if (prefix != null && file != null) {
                throw new IllegalArgumentException("give a prefix or --file, not both");
            } else {
                Rules.add(client, list(), prefix, file, ttl, reason, spec.commandLine().getOut());
            }
            return 0;
        }
    }

    /** Removes a prefix from a list. */
    abstract static class Remove implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "PREFIX")
        String prefix;

        @Spec
        CommandSpec spec;

        abstract String list();

        @Override
        public Integer call() {
            Rules.remove(client, list(), prefix, spec.commandLine().getOut());
            return 0;
        }
    }
}

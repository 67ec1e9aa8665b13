package io.synguard.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "disallow", description = "Remove an allow.")
final class DisallowCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "PREFIX")
    String prefix;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Rules.remove(client, "allows", prefix, spec.commandLine().getOut());
        return 0;
    }
}

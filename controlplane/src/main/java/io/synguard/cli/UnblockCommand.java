package io.synguard.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "unblock", description = "Remove a block.")
final class UnblockCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "PREFIX")
    String prefix;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Rules.remove(client, "blocks", prefix, spec.commandLine().getOut());
        return 0;
    }
}

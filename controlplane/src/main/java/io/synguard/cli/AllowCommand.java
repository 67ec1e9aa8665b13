package io.synguard.cli;

import picocli.CommandLine.Command;

@Command(name = "allow", description = {"Allow a prefix: its SYNs always pass, blocks and rate limits notwithstanding.", "With no prefix, lists them."})
final class AllowCommand extends RuleCommand.Add {
    @Override
    String list() {
        return "allows";
    }
}

package io.synguard.cli;

import picocli.CommandLine.Command;

@Command(name = "disallow", description = "Remove an allow.")
final class DisallowCommand extends RuleCommand.Remove {
    @Override
    String list() {
        return "allows";
    }
}

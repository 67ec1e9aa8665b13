package io.synguard.cli;

import picocli.CommandLine.Command;

@Command(name = "unblock", description = "Remove a block.")
final class UnblockCommand extends RuleCommand.Remove {
    @Override
    String list() {
        return "blocks";
    }
}

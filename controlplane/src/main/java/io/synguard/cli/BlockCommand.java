package io.synguard.cli;

import picocli.CommandLine.Command;

@Command(name = "block", description = {"Block a prefix: its initial SYNs are dropped.", "With no prefix, lists them."})
final class BlockCommand extends RuleCommand.Add {
    @Override
    String list() {
        return "blocks";
    }
}

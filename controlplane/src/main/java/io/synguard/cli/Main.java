package io.synguard.cli;

import io.synguard.bpf.BpfException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The synguard command line. */
@Command(name = "synguard", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "XDP SYN-flood mitigation for Linux edge hosts.",
        subcommands = {RunCommand.class, StatusCommand.class, TopCommand.class, BlockCommand.class,
                UnblockCommand.class, AllowCommand.class, DisallowCommand.class, ConfigCommand.class, FleetCommand.class,
                DetachCommand.class,
                CheckCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for tests too. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        // every command answers --help (and --version), as the top level does
        commandLine.getSubcommands().values().forEach(sub -> sub.getCommandSpec().mixinStandardHelpOptions(true));
        return commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof BpfException || e instanceof IllegalStateException || e instanceof IllegalArgumentException
                    || e instanceof java.io.UncheckedIOException) {
                cmd.getErr().println("synguard: " + e.getMessage());
                return 1;
            }
            throw e;
        });
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"synguard " + (v == null ? "(development build)" : v)};
        }
    }
}

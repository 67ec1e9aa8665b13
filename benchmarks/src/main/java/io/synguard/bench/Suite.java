package io.synguard.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The benchmarks' command line, {@code benchmarks/run SUITE [OPTIONS]}: one subcommand a suite,
 * each with the shared {@link SuiteOptions}; see docs/benchmarks.md.
 */
@Command(name = "benchmarks/run", mixinStandardHelpOptions = true, version = "synguard benchmarks",
        description = "Runs a benchmark suite (as root) and prints its report; every suite answers --help.",
        subcommands = {DataplaneSuite.class, ControlplaneBench.class, PeersBench.class, ServiceBench.class, JmhSuite.class,
                DetectionSuite.class, FloodCommand.class})
public final class Suite implements Callable<Integer> {
    @CommandLine.Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for tests too. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Suite());
        commandLine.getSubcommands().values().forEach(sub -> sub.getCommandSpec().mixinStandardHelpOptions(true));
        return commandLine;
    }

    /** The checkout benchmarks/run runs from: the launcher and the daemon's jar are there. */
    static Path root() {
        return Path.of(System.getProperty("synguard.root", ".")).toAbsolutePath().normalize();
    }

    /** The arguments given to a suite, after its name. */
    static List<String> arguments(CommandSpec suite) {
        List<String> all = suite.commandLine().getParseResult().originalArgs();
        return all.subList(all.indexOf(suite.name()) + 1, all.size());
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }
}

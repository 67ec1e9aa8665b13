package io.synguard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options every suite shares: quick or full, how many rounds, where the report goes. */
final class SuiteOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec suite;

    @Option(names = "--quick", description = "Fewer or shorter rounds: a look, not a figure to publish "
            + "(what this suite shortens is in its description).")
    boolean quick;

    @Option(names = "--rounds", paramLabel = "N", description = "Interleaved rounds (default: the suite's; fewer with --quick).")
    Integer rounds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path json;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the report printed to FILE.")
    Path markdown;

    /** --rounds if given, else full, or quick with --quick. */
    int rounds(int full, int quick) {
        if (rounds != null && rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, not " + rounds);
        }
        return rounds != null ? rounds : this.quick ? quick : full;
    }

    /** How the suite was run, as a user would type it. */
    String command() {
        return ("benchmarks/run " + suite.name() + " " + String.join(" ", Suite.arguments(suite))).strip();
    }

    /** Prints the report and writes it, and the JSON, where asked. */
    void publish(String report, Result result) throws IOException {
        System.out.println(report);
        if (json != null) {
            Files.writeString(json, result.json());
        }
        if (markdown != null) {
            Files.writeString(markdown, report);
        }
    }
}

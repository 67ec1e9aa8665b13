package io.synguard.bench;

import picocli.CommandLine.Option;

/** Which cases of a suite run: those whose name matches a regular expression. */
final class OnlyOption {
    /** The default: every case. */
    static final String ALL = ".*";

    @Option(names = "--only", paramLabel = "REGEX", defaultValue = ALL,
            description = "Only the scenarios or benchmarks whose name matches REGEX (and their baselines).")
    String only;
}

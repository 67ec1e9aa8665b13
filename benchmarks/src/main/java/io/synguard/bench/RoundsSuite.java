package io.synguard.bench;

import java.util.concurrent.Callable;

import picocli.CommandLine.Mixin;

/**
 * A suite measured in interleaved rounds: it takes the shared options, measures, and publishes its
 * report and JSON where they ask.
 */
abstract class RoundsSuite implements Callable<Integer> {
    @Mixin
    SuiteOptions options;

    /** The rounds to run, once {@link #call} has begun: --rounds, or the suite's default. */
    int rounds;
    private final int fullRounds;
    private final int quickRounds;

    /** A suite of fullRounds rounds by default, quickRounds with --quick. */
    RoundsSuite(int fullRounds, int quickRounds) {
        this.fullRounds = fullRounds;
        this.quickRounds = quickRounds;
    }

    /** Runs the suite's {@link #rounds}; its report. */
    abstract Report measure() throws Exception;

    @Override
    public final Integer call() throws Exception {
        rounds = options.rounds(fullRounds, quickRounds);
        Report report = measure();
        options.publish(report.markdown(), report.result());
        return 0;
    }

    /** What a suite publishes: the report it prints, and its JSON. */
    record Report(String markdown, Result result) {}
}

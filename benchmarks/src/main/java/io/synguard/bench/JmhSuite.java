package io.synguard.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The control plane's in-process costs, BENCHMARKS.md §4, by JMH: map calls through FFM one element
 * at a time against batched ({@link MapCallBench}, {@link RuleListBench}) over the bare downcalls
 * ({@link DowncallBench}), one counter sample
 * ({@link CountersBench}), the detector's step with 2^20 tracked sources ({@link DetectorBench}) and
 * the decoding of a 1M-prefix bulk import ({@link BulkDecodeBench}). Every benchmark runs once a
 * round, its baseline in the same round; a figure is the median over rounds, and a ratio is taken
 * within each round before its median.
 */
@Command(name = "jmh", description = {
        "The control plane in-process (JMH): map calls through FFM single vs batched, per element; one counter sample; "
                + "the detector step with 2^20 tracked sources; decoding a 1M-prefix bulk import body; each beside its "
                + "baseline in the same round.",
        "Full: 5 rounds; ns benchmarks 2 warm-up and 3 measured one-second iterations, single-shot ones 5 and 5 calls. "
                + "--quick: 3 rounds; 1 warm-up second and 2 measured half-seconds, single-shot 2 and 3 calls."})
final class JmhSuite extends RoundsSuite {
    /** Benchmarks timed over many calls (ns/op), and those where one call is the operation. */
    private static final List<Class<?>> TIMED = List.of(DowncallBench.class, MapCallBench.class, RuleListBench.class,
            CountersBench.class);
    private static final List<Class<?>> SINGLE_SHOT = List.of(DetectorBench.class, BulkDecodeBench.class);

    /** What is held against what: label, numerator, denominator. */
    private static final List<String[]> RATIOS = List.of(
            new String[]{"getppid downcall / labs downcall", "DowncallBench.getppid", "DowncallBench.labs"},
            new String[]{"hash lookup single / getppid downcall", "MapCallBench.lookupSingle[hash]", "DowncallBench.getppid"},
            new String[]{"hash lookup: single / batch", "MapCallBench.lookupSingle[hash]", "MapCallBench.lookupBatch[hash]"},
            new String[]{"hash update: single / batch", "MapCallBench.updateSingle[hash]", "MapCallBench.updateBatch[hash]"},
            new String[]{"LPM lookup: single / batch", "MapCallBench.lookupSingle[lpm]", "MapCallBench.lookupBatch[lpm]"},
            new String[]{"LPM update: single / batch", "MapCallBench.updateSingle[lpm]", "MapCallBench.updateBatch[lpm]"},
            new String[]{"RuleList: put / putAll", "RuleListBench.put", "RuleListBench.putAll"},
            new String[]{"RuleList.putAll / raw LPM update batch", "RuleListBench.putAll", "MapCallBench.updateBatch[lpm]"},
            new String[]{"Counters.read / bare lookup", "CountersBench.read", "CountersBench.lookup"},
            new String[]{"tick / raw table read", "DetectorBench.tick", "DetectorBench.rawTableRead"},
            new String[]{"RateTable.read / raw table read", "DetectorBench.rateTableRead", "DetectorBench.rawTableRead"},
            new String[]{"Java step / tick", "DetectorBench.javaStep", "DetectorBench.tick"},
            new String[]{"SourceRates.update / Java step", "DetectorBench.sourceRatesUpdate", "DetectorBench.javaStep"},
            new String[]{"Mitigator.plan / Java step", "DetectorBench.plan", "DetectorBench.javaStep"},
            new String[]{"bulk decode / tokens only", "BulkDecodeBench.decode", "BulkDecodeBench.tokens"},
            new String[]{"Prefix.parse only / bulk decode", "BulkDecodeBench.parsePrefixes", "BulkDecodeBench.decode"});

    @Mixin
    private OnlyOption only;

    JmhSuite() {
        super(5, 3);
    }

    @Override
    Report measure() throws RunnerException {
        Map<String, double[]> scores = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            System.err.printf("jmh round %d of %d%n", round, rounds);
            for (RunResult r : round(TIMED, false)) {
                add(scores, units, r);
            }
            for (RunResult r : round(SINGLE_SHOT, true)) {
                add(scores, units, r);
            }
        }
        return new Report(markdown(scores, units, rounds, options.command()), result(scores, units, rounds, options.command()));
    }

    /**
     * JMH's options for one round of the benchmarks include matches: one fork, failing on an error;
     * with quick, shorter iterations (fewer calls for single-shot benchmarks).
     */
    static ChainedOptionsBuilder options(String include, boolean quick, boolean singleShot) {
        ChainedOptionsBuilder options = new OptionsBuilder().include(include).forks(1).shouldFailOnError(true);
        if (quick && singleShot) {
            options.warmupIterations(2).measurementIterations(3);
        } else if (quick) {
            options.warmupIterations(1).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(500));
        }
        return options;
    }

    private List<RunResult> round(List<Class<?>> classes, boolean singleShot) throws RunnerException {
        String names = classes.stream().map(Class::getName).map(n -> n.replace(".", "\\."))
                .collect(Collectors.joining("|", "^(", ")\\."));
        try {
            return new ArrayList<>(new Runner(options("(?=.*(" + only.only + "))" + names, options.quick, singleShot)
                    .build()).run());
        } catch (NoBenchmarksException e) {
            return List.of(); // --only left nothing of this group
        }
    }

    private static void add(Map<String, double[]> scores, Map<String, String> units, RunResult r) {
        String method = r.getParams().getBenchmark();
        String id = method.substring(method.lastIndexOf('.', method.lastIndexOf('.') - 1) + 1);
        String params = r.getParams().getParamsKeys().stream().map(k -> r.getParams().getParam(k))
                .collect(Collectors.joining(","));
        if (!params.isEmpty()) {
            id += "[" + params + "]";
        }
        scores.put(id, Stats.append(scores.getOrDefault(id, new double[0]), r.getPrimaryResult().getScore()));
        units.put(id, r.getPrimaryResult().getScoreUnit());
    }

    static String markdown(Map<String, double[]> scores, Map<String, String> units, int rounds, String command) {
        StringBuilder sb = new StringBuilder();
        sb.append("Machine: ").append(Machine.current().describe()).append("\n\n");
        sb.append("Command: `").append(command).append("` (").append(rounds).append(" interleaved rounds, medians)\n\n");
        sb.append("| benchmark | median | unit | per round |\n|---|---:|---|---|\n");
        scores.forEach((id, v) -> sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", id, fmt(Stats.median(v)),
                units.get(id), list(v))));
        sb.append("\n| ratio | median | per round |\n|---|---:|---|\n");
        for (String[] r : RATIOS) {
            double[] v = Stats.ratios(scores.get(r[1]), scores.get(r[2]));
            if (v != null) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", r[0], fmt(Stats.median(v)), list(v)));
            }
        }
        return sb.toString();
    }

    static Result result(Map<String, double[]> scores, Map<String, String> units, int rounds, String command) {
        List<Row> rows = new ArrayList<>();
        scores.forEach((id, v) -> rows.add(new Row(id, Stats.orNull(Stats.median(v)), units.get(id), v)));
        List<Ratio> ratios = new ArrayList<>();
        for (String[] r : RATIOS) {
            double[] v = Stats.ratios(scores.get(r[1]), scores.get(r[2]));
            if (v != null) {
                ratios.add(new Ratio(r[0], r[1], r[2], Stats.orNull(Stats.median(v)), v));
            }
        }
        return new Result(command).with("rounds", rounds).with("results", rows).with("ratios", ratios);
    }

    /** One benchmark in the JSON: its median over rounds and every round. */
    record Row(String benchmark, Double median, String unit, double[] rounds) {}

    /** One ratio in the JSON: what of what, its median over rounds and every round. */
    record Ratio(String ratio, String of, String to, Double median, double[] rounds) {}

    private static String list(double[] v) {
        return Arrays.stream(v).mapToObj(JmhSuite::fmt).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Three significant figures, plain decimal; "-" for none. */
    private static String fmt(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }
}

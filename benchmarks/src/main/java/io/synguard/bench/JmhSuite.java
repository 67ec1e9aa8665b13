package io.synguard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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

/**
 * The control plane's in-process costs, BENCHMARKS.md §4, by JMH: map calls through FFM one element
 * at a time against batched ({@link MapCallBench}, {@link RuleListBench}) over the bare downcalls
 * ({@link DowncallBench}), one counter sample
 * ({@link CountersBench}), the detector's step with 2^20 tracked sources ({@link DetectorBench}) and
 * the decoding of a 1M-prefix bulk import ({@link BulkDecodeBench}). Every benchmark runs once a
 * round, its baseline in the same round; a figure is the median over rounds, and a ratio is taken
 * within each round before its median.
 *
 * <p>{@code Suite jmh [--quick] [--rounds N] [--only REGEX] [--json FILE]}
 */
final class JmhSuite {
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

    private JmhSuite() {}

    static void main(List<String> args) throws Exception {
        boolean quick = false;
        int rounds = 5;
        String only = null;
        Path json = null;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--quick" -> quick = true;
                case "--rounds" -> rounds = Integer.parseInt(args.get(++i));
                case "--only" -> only = args.get(++i);
                case "--json" -> json = Path.of(args.get(++i));
                default -> throw new IllegalArgumentException("unknown option " + args.get(i)
                        + "; usage: Suite jmh [--quick] [--rounds N] [--only REGEX] [--json FILE]");
            }
        }
        if (quick && rounds == 5) {
            rounds = 3;
        }
        Map<String, double[]> scores = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            System.err.printf("jmh round %d of %d%n", round, rounds);
            for (RunResult r : round(TIMED, only, quick, false)) {
                add(scores, units, r);
            }
            for (RunResult r : round(SINGLE_SHOT, only, quick, true)) {
                add(scores, units, r);
            }
        }
        String command = "benchmarks/run jmh " + String.join(" ", args);
        System.out.println(markdown(scores, units, rounds, command.strip()));
        if (json != null) {
            Files.writeString(json, json(scores, units, rounds, command.strip()));
        }
    }

    private static List<RunResult> round(List<Class<?>> classes, String only, boolean quick, boolean singleShot)
            throws RunnerException {
        String names = classes.stream().map(Class::getName).map(n -> n.replace(".", "\\."))
                .collect(Collectors.joining("|", "^(", ")\\."));
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(only == null ? names : "(?=.*(" + only + "))" + names)
                .forks(1)
                .shouldFailOnError(true);
        if (quick && singleShot) {
            options.warmupIterations(2).measurementIterations(3);
        } else if (quick) {
            options.warmupIterations(1).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(500));
        }
        try {
            return new ArrayList<>(new Runner(options.build()).run());
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
        double[] v = scores.getOrDefault(id, new double[0]);
        v = Arrays.copyOf(v, v.length + 1);
        v[v.length - 1] = r.getPrimaryResult().getScore();
        scores.put(id, v);
        units.put(id, r.getPrimaryResult().getScoreUnit());
    }

    /** Median over rounds of a / b within each round; NaN when either was not run. */
    static double[] ratio(Map<String, double[]> scores, String a, String b) {
        double[] x = scores.get(a);
        double[] y = scores.get(b);
        if (x == null || y == null || x.length != y.length) {
            return null;
        }
        double[] r = new double[x.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = x[i] / y[i];
        }
        return r;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String markdown(Map<String, double[]> scores, Map<String, String> units, int rounds, String command) {
        StringBuilder sb = new StringBuilder();
        sb.append("Machine: ").append(Suite.Machine.describe()).append("\n\n");
        sb.append("Command: `").append(command).append("` (").append(rounds).append(" interleaved rounds, medians)\n\n");
        sb.append("| benchmark | median | unit | per round |\n|---|---:|---|---|\n");
        scores.forEach((id, v) -> sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", id, fmt(median(v)),
                units.get(id), list(v))));
        sb.append("\n| ratio | median | per round |\n|---|---:|---|\n");
        for (String[] r : RATIOS) {
            double[] v = ratio(scores, r[1], r[2]);
            if (v != null) {
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", r[0], fmt(median(v)), list(v)));
            }
        }
        return sb.toString();
    }

    static String json(Map<String, double[]> scores, Map<String, String> units, int rounds, String command) {
        StringBuilder sb = new StringBuilder("{\n  \"machine\": ").append(Suite.Machine.json()).append(",\n");
        sb.append("  \"command\": \"").append(command).append("\",\n");
        sb.append("  \"time\": \"").append(Instant.now()).append("\",\n  \"rounds\": ").append(rounds).append(",\n");
        sb.append("  \"results\": [\n");
        List<String> rows = new ArrayList<>();
        scores.forEach((id, v) -> rows.add(String.format(Locale.ROOT,
                "    {\"benchmark\": \"%s\", \"median\": %s, \"unit\": \"%s\", \"rounds\": %s}",
                id, fmt(median(v)), units.get(id), list(v))));
        sb.append(String.join(",\n", rows)).append("\n  ],\n  \"ratios\": [\n");
        List<String> ratios = new ArrayList<>();
        for (String[] r : RATIOS) {
            double[] v = ratio(scores, r[1], r[2]);
            if (v != null) {
                ratios.add(String.format(Locale.ROOT,
                        "    {\"ratio\": \"%s\", \"of\": \"%s\", \"to\": \"%s\", \"median\": %s, \"rounds\": %s}",
                        r[0], r[1], r[2], fmt(median(v)), list(v)));
            }
        }
        return sb.append(String.join(",\n", ratios)).append("\n  ]\n}\n").toString();
    }

    private static String list(double[] v) {
        return Arrays.stream(v).mapToObj(JmhSuite::fmt).collect(Collectors.joining(", ", "[", "]"));
    }

    /** Three significant figures, plain decimal (JSON-safe). */
    private static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }
}

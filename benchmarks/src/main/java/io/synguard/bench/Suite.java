package io.synguard.bench;

import io.synguard.bpf.Cpus;
import io.synguard.bpf.Libbpf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The data-plane suite as BENCHMARKS.md asks for it: every scenario once a round, several rounds
 * (A B C A B C ...), the median of each, and ratios taken within a round before their median, so a
 * VM that slows down for a minute shifts both sides of a ratio.
 *
 * <p>{@code Suite dataplane [--rounds N] [--quick] [--only REGEX] [--json FILE] [--markdown FILE]}
 */
public final class Suite {
    private Suite() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("flood")) {
            FloodCommand.main(Arrays.asList(args).subList(1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("service")) {
            ServiceBench.main(Arrays.asList(args).subList(1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("peers")) {
            PeersBench.main(Arrays.asList(args).subList(1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("jmh")) {
            JmhSuite.main(Arrays.asList(args).subList(1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("controlplane")) {
            ControlplaneBench.main(Arrays.asList(args).subList(1, args.length));
            return;
        }
        if (args.length == 0 || !args[0].equals("dataplane")) {
            System.err.println("usage: Suite dataplane [--rounds N] [--quick] [--only REGEX] [--json FILE] [--markdown FILE]\n"
                    + "       Suite controlplane [--rounds N] [--quick] [--json FILE]\n"
                    + "       Suite peers [--quick] [--rounds N] [--seconds S] [--blocklist N] [--only REGEX] [--filters a,b]"
                    + " [--json FILE] [--markdown FILE] [--chart FILE.svg]\n"
                    + "       Suite service [--quick] [--rounds N] [--seconds S] [--json FILE] [--markdown FILE]\n"
                    + "       Suite jmh [--quick] [--rounds N] [--only REGEX] [--json FILE]\n"
                    + "       Suite flood --netns NS --iface IF --peer-mac MAC --target ADDRESS [--sources S] [--rate PPS]"
                    + " [--count N] [--seconds S] [--port P] [--legit ADDRESS --legit-share X] [--cpu N]");
            System.exit(2);
        }
        boolean quick = false;
        int rounds = 5;
        String only = null;
        Path json = null;
        Path markdown = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--only" -> only = args[++i];
                case "--json" -> json = Path.of(args[++i]);
                case "--markdown" -> markdown = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (quick && rounds == 5) {
            rounds = 3;
        }
        String pattern = only == null ? ".*" : only;
        List<Scenario> scenarios = Arrays.stream(Scenario.values())
                .filter(s -> s == Scenario.TRIVIAL_DROP || s == Scenario.POOL_DROP || s == Scenario.ONE_MISS
                        || s.id().matches(pattern))
                .toList();
        Map<Scenario, double[]> ns = new LinkedHashMap<>();
        scenarios.forEach(s -> ns.put(s, new double[0]));
        for (int round = 1; round <= rounds; round++) {
            System.err.printf("round %d of %d: %d scenarios%n", round, rounds, scenarios.size());
            Map<Scenario, Double> r = round(scenarios, quick);
            r.forEach((s, v) -> ns.put(s, append(ns.get(s), v)));
        }
        Report report = new Report(ns, rounds, String.join(" ", args));
        System.out.println(report.markdown());
        if (json != null) {
            Files.writeString(json, report.json());
        }
        if (markdown != null) {
            Files.writeString(markdown, report.markdown());
        }
    }

    private static Map<Scenario, Double> round(List<Scenario> scenarios, boolean quick) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(DataplaneBench.class.getName() + ".packet")
                .param("scenario", scenarios.stream().map(Scenario::id).toArray(String[]::new))
                .forks(1)
                .shouldFailOnError(true);
        if (quick) {
            options.warmupIterations(1).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(500));
        }
        Map<Scenario, Double> scores = new LinkedHashMap<>();
        for (RunResult r : new Runner(options.build()).run()) {
            scores.put(Scenario.of(r.getParams().getParam("scenario")), r.getPrimaryResult().getScore());
        }
        return scores;
    }

    private static double[] append(double[] a, double v) {
        double[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
    }

    /** Medians, ratios and the targets of the data-plane issue. */
    static final class Report {
        private final Map<Scenario, double[]> ns;
        private final int rounds;
        private final String command;

        Report(Map<Scenario, double[]> ns, int rounds, String command) {
            this.ns = ns;
            this.rounds = rounds;
            this.command = command;
        }

        /** Median over rounds of a / b within each round. */
        double ratio(Scenario a, Scenario b) {
            double[] x = ns.get(a);
            double[] y = ns.get(b);
            if (x == null || y == null) {
                return Double.NaN;
            }
            double[] r = new double[x.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = x[i] / y[i];
            }
            return median(r);
        }

        double median(Scenario s) {
            return median(ns.get(s));
        }

        /** Median over rounds of what s costs beyond the rotation floor in its round. */
        double excess(Scenario s) {
            double[] x = ns.get(s);
            double[] floor = ns.get(Scenario.POOL_DROP);
            double[] d = new double[x.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = x[i] - floor[i];
            }
            return median(d);
        }

        /** What each case is held against: the trivial drop, or for rotation the pool-reading drop. */
        Scenario floorOf(Scenario s) {
            return s.traffic == Scenario.Traffic.ROTATE || s.traffic == Scenario.Traffic.RATE_BOTNET
                    ? Scenario.POOL_DROP : Scenario.TRIVIAL_DROP;
        }

        List<Target> targets() {
            List<Target> t = new ArrayList<>();
            for (Scenario s : List.of(Scenario.BLOCK_10_HOT, Scenario.BLOCK_10K_HOT, Scenario.BLOCK_1M_HOT,
                    Scenario.RATELIMIT_ONE, Scenario.IPV6_BLOCK_HOT)) {
                if (ns.containsKey(s)) {
                    t.add(new Target(s.id() + " / trivial-drop", ratio(s, Scenario.TRIVIAL_DROP), "<= 3", ratio(s, Scenario.TRIVIAL_DROP) <= 3));
                }
            }
            if (ns.containsKey(Scenario.LPM_1M_ROTATE) && ns.containsKey(Scenario.BLOCK_1M_ROTATE)) {
                double r = ratio(Scenario.LPM_1M_ROTATE, Scenario.BLOCK_1M_ROTATE);
                t.add(new Target("lpm-1m-rotate / block-1m-rotate", r, ">= 10", r >= 10));
                // what the rotating cases cost above the rotation, in single random reads
                double miss = excess(Scenario.ONE_MISS);
                t.add(new Target("block-1m-rotate, in random reads", excess(Scenario.BLOCK_1M_ROTATE) / miss, "(floor 1)", true));
                t.add(new Target("lpm-1m-rotate, in random reads", excess(Scenario.LPM_1M_ROTATE) / miss, "(for scale)", true));
            }
            if (ns.containsKey(Scenario.RATELIMIT_SPOOF) && ns.containsKey(Scenario.RATELIMIT_ONE)) {
                double r = ratio(Scenario.RATELIMIT_SPOOF, Scenario.RATELIMIT_ONE);
                t.add(new Target("ratelimit-spoof / ratelimit-one", r, "<= 3", r <= 3));
            }
            return t;
        }

        String markdown() {
            StringBuilder sb = new StringBuilder();
            sb.append("Machine: ").append(Machine.describe()).append("\n\n");
            sb.append("Command: `benchmarks/run ").append(command).append("` (").append(rounds)
                    .append(" interleaved rounds, medians)\n\n");
            sb.append("| scenario | ns/packet | ratio | against | per round |\n|---|---:|---:|---|---|\n");
            ns.forEach((s, v) -> sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f | %s | %s |%n", s.id(), median(v),
                    ratio(s, floorOf(s)), floorOf(s).id(), rounded(v))));
            sb.append("\n| target | measured | goal | met |\n|---|---:|---|---|\n");
            for (Target t : targets()) {
                sb.append(String.format(Locale.ROOT, "| %s | %.2f | %s | %s |%n", t.name, t.value, t.goal,
                        t.goal.startsWith("(") ? "" : t.met ? "yes" : "NO"));
            }
            return sb.toString();
        }

        String json() {
            StringBuilder sb = new StringBuilder("{\n  \"machine\": ").append(Machine.json()).append(",\n");
            sb.append("  \"command\": \"benchmarks/run ").append(command).append("\",\n");
            sb.append("  \"time\": \"").append(Instant.now()).append("\",\n  \"rounds\": ").append(rounds).append(",\n");
            sb.append("  \"results\": [\n");
            List<String> rows = new ArrayList<>();
            ns.forEach((s, v) -> rows.add(String.format(Locale.ROOT,
                    "    {\"scenario\": \"%s\", \"ns_per_packet\": %.2f, \"ratio\": %.3f, \"against\": \"%s\", \"rounds_ns\": %s}",
                    s.id(), median(v), ratio(s, floorOf(s)), floorOf(s).id(), rounded(v))));
            sb.append(String.join(",\n", rows)).append("\n  ],\n  \"targets\": [\n");
            List<String> targets = new ArrayList<>();
            for (Target t : targets()) {
                targets.add(String.format(Locale.ROOT, "    {\"target\": \"%s\", \"value\": %.3f, \"goal\": \"%s\", \"met\": %s}",
                        t.name, t.value, t.goal, t.met));
            }
            return sb.append(String.join(",\n", targets)).append("\n  ]\n}\n").toString();
        }

        private static String rounded(double[] v) {
            return Arrays.stream(v).mapToObj(x -> String.format(Locale.ROOT, "%.1f", x)).toList().toString();
        }

        private static double median(double[] v) {
            double[] s = v.clone();
            Arrays.sort(s);
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }

        record Target(String name, double value, String goal, boolean met) {}
    }

    /** The machine a figure was measured on. */
    static final class Machine {
        private Machine() {}

        static String describe() {
            return String.format("%s, %d CPUs, kernel %s, JDK %s, libbpf %s", cpuModel(), Cpus.possible(),
                    System.getProperty("os.version"), Runtime.version(), Libbpf.version());
        }

        static String json() {
            return String.format("{\"cpu\": \"%s\", \"cpus\": %d, \"kernel\": \"%s\", \"jdk\": \"%s\", \"libbpf\": \"%s\"}",
                    cpuModel(), Cpus.possible(), System.getProperty("os.version"), Runtime.version(), Libbpf.version());
        }

        static String cpuModel() {
            try {
                return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
            } catch (IOException e) {
                return "unknown CPU";
            }
        }
    }
}

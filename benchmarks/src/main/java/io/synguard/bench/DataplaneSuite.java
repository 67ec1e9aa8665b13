package io.synguard.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The data-plane suite as BENCHMARKS.md asks for it: every scenario once a round, several rounds
 * (A B C A B C ...), the median of each, and ratios taken within a round before their median, so a
 * VM that slows down for a minute shifts both sides of a ratio.
 */
@Command(name = "dataplane", description = {
        "ns/packet of the XDP program in the kernel (BPF_PROG_TEST_RUN), every scenario beside the references "
                + "xdp_drop, parse_drop and one_miss measured in the same round.",
        "Full: 5 rounds of JMH's 2 warm-up and 3 measured one-second iterations. --quick: 3 rounds of 1 warm-up "
                + "second and 2 measured half-seconds."})
final class DataplaneSuite extends RoundsSuite {
    @Mixin
    private OnlyOption only;

    DataplaneSuite() {
        super(5, 3);
    }

    @Override
    Report measure() throws RunnerException {
        List<Scenario> scenarios = scenarios(only.only);
        Map<Scenario, double[]> ns = new LinkedHashMap<>();
        scenarios.forEach(s -> ns.put(s, new double[0]));
        for (int round = 1; round <= rounds; round++) {
            System.err.printf("round %d of %d: %d scenarios%n", round, rounds, scenarios.size());
            round(scenarios).forEach((s, v) -> ns.put(s, Stats.append(ns.get(s), v)));
        }
        Figures figures = new Figures(ns, rounds, options.command());
        return new Report(figures.markdown(), figures.result());
    }

    /** The references always; of the rest those only matches, a diagnostic only when only is not the default. */
    static List<Scenario> scenarios(String only) {
        return Arrays.stream(Scenario.values())
                .filter(s -> s.isReference() || s == Scenario.POOL_DROP
                        || s.id().matches(only) && (!s.isDiagnostic() || !only.equals(OnlyOption.ALL)))
                .toList();
    }

    private Map<Scenario, Double> round(List<Scenario> scenarios) throws RunnerException {
        Map<Scenario, Double> scores = new LinkedHashMap<>();
        for (RunResult r : new Runner(JmhSuite.options(DataplaneBench.class.getName() + ".packet", options.quick, false)
                .param("scenario", scenarios.stream().map(Scenario::id).toArray(String[]::new)).build()).run()) {
            scores.put(Scenario.of(r.getParams().getParam("scenario")), r.getPrimaryResult().getScore());
        }
        return scores;
    }

    /** Medians, ratios and the targets of the data-plane issue. */
    static final class Figures {
        private final Map<Scenario, double[]> ns;
        private final int rounds;
        private final String command;

        Figures(Map<Scenario, double[]> ns, int rounds, String command) {
            this.ns = ns;
            this.rounds = rounds;
            this.command = command;
        }

        /** Median over rounds of a / b within each round; NaN if either did not run. */
        double ratio(Scenario a, Scenario b) {
            double[] r = Stats.ratios(ns.get(a), ns.get(b));
            return r == null ? Double.NaN : Stats.median(r);
        }

        /** Median over rounds of what s costs beyond the rotation floor in its round. */
        double excess(Scenario s) {
            double[] x = ns.get(s);
            double[] floor = ns.get(Scenario.POOL_DROP);
            double[] d = new double[x.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = x[i] - floor[i];
            }
            return Stats.median(d);
        }

        List<Target> targets() {
            List<Target> t = new ArrayList<>();
            if (ns.containsKey(Scenario.BLOCK_1M_ROTATE)) {
                double r = ratio(Scenario.BLOCK_1M_ROTATE, Scenario.ONE_MISS);
                t.add(new Target("block-1m-rotate / one_miss", r, "<= 1.5", r <= 1.5));
            }
            // against a miss that nothing overlaps: how many packets' misses a path keeps in flight
            for (Scenario s : List.of(Scenario.ONE_MISS, Scenario.BLOCK_1M_ROTATE)) {
                if (ns.containsKey(Scenario.ONE_MISS_CHAINED) && ns.containsKey(s)) {
                    t.add(new Target(s.id() + ", packets overlapped (one-miss-chained / " + s.id() + ")",
                            ratio(Scenario.ONE_MISS_CHAINED, s), "(diagnostic)", true));
                }
            }
            for (Scenario s : List.of(Scenario.BLOCK_10_HOT, Scenario.BLOCK_10K_HOT, Scenario.BLOCK_1M_HOT,
                    Scenario.IPV6_BLOCK_HOT)) {
                if (ns.containsKey(s) && ns.containsKey(Scenario.LEGIT_SYN)) {
                    double r = ratio(s, Scenario.LEGIT_SYN);
                    t.add(new Target(s.id() + " / legit-syn", r, "<= 2", r <= 2));
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
                t.add(new Target("ratelimit-spoof / ratelimit-one", r, "<= 2", r <= 2));
            }
            return t;
        }

        String markdown() {
            StringBuilder sb = new StringBuilder();
            sb.append("Machine: ").append(Machine.current().describe()).append("\n\n");
            sb.append("Command: `").append(command).append("` (").append(rounds).append(" interleaved rounds, medians)\n\n");
            sb.append("| scenario | ns/packet | ratio | against | per round |\n|---|---:|---:|---|---|\n");
            ns.forEach((s, v) -> sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f | %s | %s |%n", s.id(),
                    Stats.median(v), ratio(s, s.reference()), s.reference().id(), rounded(v))));
            sb.append("\n| target | measured | goal | met |\n|---|---:|---|---|\n");
            for (Target t : targets()) {
                sb.append(String.format(Locale.ROOT, "| %s | %.2f | %s | %s |%n", t.target, t.value, t.goal,
                        t.goal.startsWith("(") ? "" : t.met ? "yes" : "NO"));
            }
            return sb.toString();
        }

        Result result() {
            List<Row> rows = new ArrayList<>();
            ns.forEach((s, v) -> rows.add(new Row(s.id(), Stats.median(v), Stats.orNull(ratio(s, s.reference())), s.reference().id(), v)));
            return new Result(command).with("rounds", rounds).with("results", rows).with("targets", targets());
        }

        private static String rounded(double[] v) {
            return Arrays.stream(v).mapToObj(x -> String.format(Locale.ROOT, "%.1f", x)).toList().toString();
        }

        /** One scenario in the JSON: its median, its ratio to its floor, every round. */
        record Row(String scenario, double nsPerPacket, Double ratio, String against, double[] roundsNs) {}

        record Target(String target, double value, String goal, boolean met) {}
    }
}

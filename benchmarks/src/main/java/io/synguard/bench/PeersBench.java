package io.synguard.bench;

import io.synguard.bpf.Cpus;
import io.synguard.flood.Flood;
import io.synguard.flood.FloodGenerator;
import io.synguard.host.HostCommand;
import io.synguard.net.Prefix;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * synguard side by side with its peers under a live SYN flood (BENCHMARKS.md section 2): the flood
 * generator sends from one CPU out of a veth, the device under test takes it in (threaded NAPI) on
 * the other CPU or on the generator's own, and each filter in turn stands in the packet path.
 * Trials interleave filters (the order rotates each round) and placements, and repeat; figures are
 * medians, ratios are taken within a round, each filter's against xdp_drop and against the
 * reference doing the least work synguard must do in the scenario (parse_drop or one_miss).
 */
@Command(name = "peers", description = {
        "A live SYN flood from the in-kernel generator into a veth, and at the receiving end, in turn: xdp_drop, "
                + "parse_drop, one_miss, xdp_pass, synguard, xdp-filter, nftables, iptables; three attacks; the "
                + "receiver's NAPI on the other CPU than the generator's and on the same one.",
        "Full: 5 rounds of 5 s floods. --quick: 3 rounds of 2 s floods."})
final class PeersBench extends RoundsSuite {
    static final List<String> FILTERS = List.of("xdp_drop", "parse_drop", "one_miss", "xdp_pass", "synguard",
            "xdp-filter", "nftables", "iptables");
    private static final int GENERATOR_CPU = 0;
    private static final int DUT_CPU = 1;
    private static final int PORT = 8080;

    @Mixin
    private OnlyOption only;

    @Option(names = "--seconds", paramLabel = "S", description = "Length of a flood (default: 5, 2 with --quick).")
    private Double seconds;

    @Option(names = "--blocklist", paramLabel = "N", defaultValue = "1000000",
            description = "Prefixes in the blocklist scenario's list, 65536 to 1048576 (default: ${DEFAULT-VALUE}).")
    private int blocklistSize;

    @Option(names = "--filters", paramLabel = "a,b", split = ",",
            description = "The filters to compare, xdp_drop among them (default: all).")
    private List<String> filterNames = FILTERS;

    @Option(names = "--placements", paramLabel = "a,b", split = ",",
            description = "Where the receiver's NAPI runs: ${COMPLETION-CANDIDATES} (default: both).")
    private List<Placement> placements = List.of(Placement.values());

    @Option(names = "--rate", paramLabel = "PPS", defaultValue = "0", description = {
            "Offer every filter the same paced flood of PPS frames a second, handed to the veth "
                    + Flood.MAX_BURST + " at a time, rather than flat out (default: flat out).",
            "A receiver slower than the generator flat out takes in less than at a lower rate: the overload "
                    + "itself costs it (docs/benchmarks.md). The generator paces up to about 6 Mpps on this kind of machine."})
    private long rate;

    @Option(names = "--chart", paramLabel = "FILE.svg", description = "Also draw the results as an SVG chart.")
    private Path chart;

    private Duration trial;
    private List<PeerScenario> scenarios;
    private final List<Trial> trials = new ArrayList<>();
    private final Map<String, String> setups = new LinkedHashMap<>();

    PeersBench() {
        super(5, 3);
    }

    @Override
    RoundsSuite.Report measure() throws Exception {
        trial = Duration.ofMillis((long) ((seconds != null ? seconds : options.quick ? 2 : 5) * 1000));
        if (!filterNames.contains("xdp_drop")) {
            throw new IllegalArgumentException("--filters must include xdp_drop: every ratio is to it");
        }
        for (String f : filterNames) {
            if (!FILTERS.contains(f)) {
                throw new IllegalArgumentException("unknown filter " + f + "; filters are " + FILTERS);
            }
        }
        if (blocklistSize < 65_536 || blocklistSize > 1 << 20) {
            throw new IllegalArgumentException("--blocklist must hold the attack's 65,536 addresses and fit 1,048,576 rules");
        }
        if (rate < 0) {
            throw new IllegalArgumentException("--rate cannot be negative: " + rate);
        }
        if (Cpus.possible() < 2) {
            throw new IllegalStateException("the peers benchmark needs two CPUs: one sends, the other receives");
        }
        scenarios = Arrays.stream(PeerScenario.values()).filter(s -> s.id.matches(only.only)).toList();
        run();
        Report report = new Report(trials, setups, options.command(), trial, rate);
        if (chart != null) {
            Files.writeString(chart, report.svg());
        }
        return new RoundsSuite.Report(report.markdown(), report.result());
    }

    private void run() throws Exception {
        step("building the namespaces, a veth between them, threaded NAPI");
        try (BenchWorld world = new BenchWorld("peers"); FloodGenerator generator = FloodGenerator.load()) {
            world.floodReady();
            long napi = world.threadedNapi(DUT_CPU);
            FloodGenerator.Egress egress = new FloodGenerator.Egress(world.namespace(world.net), "sgc0",
                    HexFormat.ofDelimiter(":").parseHex(world.mac(world.srv, BenchWorld.IFACE)), GENERATOR_CPU);
            List<PeerFilter> filters = filters(world);
            try {
                for (PeerScenario scenario : scenarios) {
                    scenario(world, generator, egress, napi, scenario, filters);
                }
            } finally {
                for (PeerFilter f : filters) {
                    f.close();
                }
            }
        }
    }

    private List<PeerFilter> filters(BenchWorld world) {
        Path srv = world.namespace(world.srv);
        List<PeerFilter> filters = new ArrayList<>();
        for (String name : filterNames) {
            filters.add(switch (name) {
                case "xdp_drop" -> CeilingFilter.drop(srv);
                case "parse_drop" -> CeilingFilter.parseDrop(srv);
                case "one_miss" -> CeilingFilter.oneMiss(srv);
                case "xdp_pass" -> CeilingFilter.pass(srv);
                case "synguard" -> new SynguardFilter(world);
                case "xdp-filter" -> new XdpFilterTool(world);
                case "nftables" -> new NftablesFilter(world);
                case "iptables" -> new IptablesFilter(world);
                default -> throw new IllegalArgumentException(name);
            });
        }
        return filters;
    }

    private void scenario(BenchWorld world, FloodGenerator generator, FloodGenerator.Egress egress, long napi,
                          PeerScenario scenario, List<PeerFilter> filters) throws Exception {
        List<Prefix> blocklist = scenario.blocklist(blocklistSize);
        for (PeerFilter f : filters) {
            long t0 = System.nanoTime();
            step(String.format(Locale.ROOT, "%s: preparing %s (%,d rules)", scenario.id, f.name(), blocklist.size()));
            f.prepare(scenario, blocklist);
            step(String.format(Locale.ROOT, "  ready in %.1f s", (System.nanoTime() - t0) / 1e9));
            setups.put(scenario.id + "/" + f.name(), f.setup(scenario));
        }
        for (int round = 1; round <= rounds; round++) {
            for (Placement placement : placements) {
                BenchWorld.pinNapi(napi, placement.napiCpu);
                for (int i = 0; i < filters.size(); i++) {
                    PeerFilter f = filters.get((i + round - 1) % filters.size());
                    if (!Files.exists(Path.of("/proc", Long.toString(napi)))) {
                        throw new IllegalStateException("the NAPI thread of " + BenchWorld.IFACE + " is gone: the measurement would float");
                    }
                    trials.add(trial(world, generator, egress, napi, scenario, placement, f, round));
                }
            }
        }
    }

    private Trial trial(BenchWorld world, FloodGenerator generator, FloodGenerator.Egress egress, long napi,
                        PeerScenario scenario, Placement placement, PeerFilter filter, int round) throws Exception {
        filter.enable();
        try {
            Thread.sleep(200);
            BenchWorld.DutStats before = world.dutStats();
            long droppedBefore = filter.dropped(before);
            long busyBefore = BenchWorld.cpuNanos(napi);
            Flood flood = Flood.of(scenario.sources, Prefix.parse(BenchWorld.SERVER), PORT, rate, 0, trial);
            FloodGenerator.Report sent = generator.run(rate == 0 ? flood : flood.paced(Flood.MAX_BURST), egress, p -> { });
            BenchWorld.DutStats after = world.dutStats();
            long busy = BenchWorld.cpuNanos(napi) - busyBefore;
            long received = after.received() - before.received();
            long dropped = filter.dropped(after) - droppedBefore;
            double seconds = sent.elapsedNanos() / 1e9;
            Trial t = new Trial(new Table(scenario.id, placement), filter.name(), round, sent.sent() / seconds / 1e6,
                    received / seconds / 1e6, dropped / seconds / 1e6, (double) busy / Math.max(1, received));
            step(String.format(Locale.ROOT, "%s round %d %-10s sent %6.2f Mpps, received %6.2f, dropped %6.2f, %5.0f ns a frame",
                    t.table, round, filter.name(), t.genMpps, t.rxMpps, t.dropMpps, t.napiNs));
            return t;
        } finally {
            filter.disable();
        }
    }

    private static void step(String what) {
        System.err.println(what);
    }

    /** Where the device under test's NAPI thread runs, against the generator's CPU. */
    enum Placement {
        /** Every header read is a cross-core cache transfer: the placement the goals are set for. */
        OTHER_CPU("napi-other-cpu", DUT_CPU),
        SAME_CPU("napi-same-cpu", GENERATOR_CPU);

        final String id;
        final int napiCpu;

        Placement(String id, int napiCpu) {
            this.id = id;
            this.napiCpu = napiCpu;
        }
    }

    /** One table of the results: a scenario under one placement. */
    record Table(String scenario, Placement placement) {
        /** The reference doing the least work synguard must do here. */
        String reference() {
            return PeerScenario.of(scenario).reference();
        }

        @Override
        public String toString() {
            return scenario + " (" + placement.id + ")";
        }
    }

    /**
     * One filter's trial: what the generator sent, what the device under test took in and dropped,
     * and the CPU time its NAPI thread spent a frame taken in (napiNs). For a filter slower than the
     * generator flat out that thread is busy throughout, so napiNs is 1/rxMpps; offered less than it
     * can take, it is what a frame costs there without the overload, and 1000/napiNs the rate it could
     * take in busy throughout.
     */
    record Trial(Table table, String filter, int round, double genMpps, double rxMpps, double dropMpps, double napiNs) {
        /** Mpps the NAPI thread would take in if busy throughout, at this trial's cost a frame. */
        double capacityMpps() {
            return 1000 / napiNs;
        }
    }

    /** Medians, ratios to the ceiling, goals; as markdown, the JSON BENCHMARKS.md asks for, and a chart. */
    static final class Report {
        private final List<Trial> trials;
        private final Map<String, String> setups;
        private final String command;
        private final Duration trial;
        private final long rate;

        /** rate: the paced flood's frames a second, 0 flat out. */
        Report(List<Trial> trials, Map<String, String> setups, String command, Duration trial, long rate) {
            this.trials = trials;
            this.setups = setups;
            this.command = command;
            this.trial = trial;
            this.rate = rate;
        }

        List<Table> tables() {
            return trials.stream().map(Trial::table).distinct().toList();
        }

        List<String> filters() {
            return trials.stream().map(Trial::filter).distinct().sorted(Comparator.comparingInt(FILTERS::indexOf)).toList();
        }

        List<Trial> of(Table table, String filter) {
            return trials.stream().filter(t -> t.table.equals(table) && t.filter.equals(filter)).toList();
        }

        double median(Table table, String filter, ToDoubleFunction<Trial> field) {
            return Stats.median(of(table, filter).stream().mapToDouble(field).toArray());
        }

        /** Median over rounds of filter's received rate over the ceiling's in the same round. */
        double ratioToCeiling(Table table, String filter) {
            return ratio(table, filter, "xdp_drop", Trial::rxMpps);
        }

        /** As ratioToCeiling, against the table's reference; NaN when it did not run. */
        double ratioToReference(Table table, String filter) {
            return of(table, table.reference()).isEmpty() ? Double.NaN : ratio(table, filter, table.reference(), Trial::rxMpps);
        }

        /**
         * As ratioToReference, of capacities (1 / NAPI CPU time a frame): which filter costs less a
         * frame, also where neither was overloaded; NaN when the reference did not run.
         */
        double capacityRatio(Table table, String filter) {
            return of(table, table.reference()).isEmpty() ? Double.NaN
                    : ratio(table, filter, table.reference(), Trial::capacityMpps);
        }

        /** Median over rounds of a's drop rate over b's in the same round. */
        double dropRatio(Table table, String a, String b) {
            return ratio(table, a, b, Trial::dropMpps);
        }

        private double ratio(Table table, String a, String b, ToDoubleFunction<Trial> field) {
            List<Trial> other = of(table, b);
            double[] r = of(table, a).stream().mapToDouble(t -> field.applyAsDouble(t) / field.applyAsDouble(other.stream()
                    .filter(c -> c.round == t.round).findFirst().orElseThrow())).toArray();
            return Stats.median(r);
        }

        /**
         * Flat out, the goals are on what synguard took in and dropped; paced, every filter takes in
         * about what it is offered, so they are on capacity (what a frame costs) instead.
         */
        List<String[]> goals() {
            String judged = rate == 0 ? "received" : "capacity";
            List<String[]> goals = new ArrayList<>();
            for (Table s : tables()) {
                if (of(s, "synguard").isEmpty()) {
                    continue;
                }
                if (s.placement() == Placement.OTHER_CPU && !of(s, s.reference()).isEmpty()) {
                    double r = rate == 0 ? ratioToReference(s, "synguard") : capacityRatio(s, "synguard");
                    goals.add(new String[]{s + ": synguard / " + s.reference() + " (" + judged + ")", fmt(r), ">= 0.9",
                            r >= 0.9 ? "yes" : "NO"});
                }
                // xdp-filter: at least its equal (issue 15), and the first goal of twice it (issue 4)
                for (String[] peer : new String[][]{{"xdp-filter", "1"}, {"xdp-filter", "2"}, {"nftables", "4"},
                        {"iptables", "4"}}) {
                    if (!of(s, peer[0]).isEmpty()) {
                        double d = rate == 0 ? dropRatio(s, "synguard", peer[0]) : ratio(s, "synguard", peer[0], Trial::capacityMpps);
                        goals.add(new String[]{s + ": synguard / " + peer[0] + (rate == 0 ? " (dropped)" : " (capacity)"), fmt(d),
                                ">= " + peer[1], d >= Double.parseDouble(peer[1]) ? "yes" : "NO"});
                    }
                }
            }
            return goals;
        }

        String markdown() {
            StringBuilder sb = new StringBuilder();
            sb.append("Machine: ").append(Machine.current().describe()).append("; ").append(tools()).append("\n\n");
            sb.append("Command: `").append(command).append("` (").append(rounds()).append(" interleaved rounds of ")
                    .append(trial.toMillis() / 1000.0).append(" s floods, ").append(offered())
                    .append("; medians; Mpps at the device under test)\n");
            for (Table s : tables()) {
                sb.append("\n**").append(s.scenario()).append(", ").append(s.placement() == Placement.OTHER_CPU
                                ? "NAPI on the other CPU than the generator" : "NAPI on the generator's CPU")
                        .append("**\n\n| filter | received | dropped | sent | ratio to xdp_drop | ratio to ")
                        .append(s.reference()).append(" | NAPI ns a frame | capacity | capacity to ").append(s.reference())
                        .append(" | setup |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
                for (String f : filters()) {
                    if (of(s, f).isEmpty()) {
                        continue;
                    }
                    sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f | %.2f | %.2f | %s |%n", f,
                            median(s, f, Trial::rxMpps), median(s, f, Trial::dropMpps), median(s, f, Trial::genMpps),
                            ratioToCeiling(s, f), ratioToReference(s, f), median(s, f, Trial::napiNs),
                            median(s, f, Trial::capacityMpps), capacityRatio(s, f), setups.getOrDefault(s.scenario() + "/" + f, "")));
                }
            }
            sb.append("\n| goal | measured | wanted | met |\n|---|---:|---|---|\n");
            for (String[] g : goals()) {
                sb.append("| ").append(String.join(" | ", g)).append(" |\n");
            }
            return sb.toString();
        }

        Result result() {
            List<Row> rows = new ArrayList<>();
            for (Table s : tables()) {
                for (String f : filters()) {
                    if (!of(s, f).isEmpty()) {
                        rows.add(new Row(s.scenario(), s.placement().id, f, median(s, f, Trial::rxMpps),
                                median(s, f, Trial::dropMpps), median(s, f, Trial::genMpps), of(s, f).size(),
                                ratioToCeiling(s, f), Stats.orNull(ratioToReference(s, f)), s.reference(),
                                median(s, f, Trial::napiNs), median(s, f, Trial::capacityMpps),
                                Stats.orNull(capacityRatio(s, f))));
                    }
                }
            }
            return new Result(command).with("trial_seconds", trial.toMillis() / 1000.0).with("offered_pps", rate)
                    .with("results", rows);
        }

        /** How the flood was sent: flat out, or paced at what rate. */
        String offered() {
            return rate == 0 ? "flat out" : String.format(Locale.ROOT, "paced at %.2f Mpps, %d frames at a time", rate / 1e6,
                    Flood.MAX_BURST);
        }

        /**
         * One filter in one scenario and placement in the JSON: medians over its rounds; ratio and
         * capacityRatio are to the reference named in against (null when that did not run).
         */
        record Row(String scenario, String placement, String filter, double rxMpps, double dropMpps, double genMpps,
                   int repeats, double ratioToCeiling, Double ratio, String against, double napiNsPerFrame,
                   double capacityMpps, Double capacityRatio) {}

        String svg() {
            return PeersChart.svg(this);
        }

        private int rounds() {
            return trials.stream().mapToInt(Trial::round).max().orElse(0);
        }

        private static String tools() {
            return "xdp-tools " + version("dpkg-query", "-W", "-f=${Version}", "xdp-tools") + ", "
                    + version("nft", "--version") + ", " + version("iptables", "-V");
        }

        private static String version(String... command) {
            try {
                return HostCommand.run(command).lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("?").strip();
            } catch (RuntimeException e) {
                return "?";
            }
        }

        static String fmt(double v) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
    }
}

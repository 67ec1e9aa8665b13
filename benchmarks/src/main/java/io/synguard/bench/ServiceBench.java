package io.synguard.bench;

import io.synguard.flood.Flood;
import io.synguard.flood.FloodGenerator;
import io.synguard.flood.Sources;
import io.synguard.json.Json;
import io.synguard.net.Prefix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A real TCP server behind the device under test, legitimate clients connecting to it all along,
 * and botnet SYN floods of increasing rate from the in-kernel generator (BENCHMARKS.md section 3):
 * the clients' success rate and connect times during each flood, for no protection (no SYN
 * cookies), kernel SYN cookies alone, nftables (a per-source SYN limit, with cookies) and synguard
 * (the daemon, as shipped, with cookies); and, for synguard, flood start to detection and to the
 * first automatic block.
 */
@Command(name = "service", description = {
        "A real TCP server and legitimate clients under botnet floods of rising rate: no protection, SYN cookies, "
                + "nftables, synguard; success rate, connect times, detection and first block. Then spoofed floods, "
                + "flat out and smooth at shares of synguard's cookie capacity: the kernel's cookies, synguard with "
                + "cookies off and on; success rate, connect times, capacity beside the references xdp_drop and parse_tx.",
        "Full: 3 rounds of 8 s botnet and 5 s spoofed floods. --quick: 1 round of 4 s and 2 s floods, spoofed at 80 %% "
                + "of capacity only."})
final class ServiceBench extends RoundsSuite {
    static final List<String> PROTECTIONS = List.of("none", "syncookies", "nftables", "synguard");
    /** Flood rates, frames a second; 0: as fast as the generator goes. */
    static final long[] RATES = {50_000, 200_000, 1_000_000, 0};
    private static final Sources BOTNET = Sources.parse("botnet:198.19.1.0+200");
    private static final int PORT = LegitClients.PORT;

    @Option(names = "--seconds", paramLabel = "S", description = "Length of a flood (default: 8, 4 with --quick).")
    private Long seconds;

    @Option(names = "--attacks", split = ",", paramLabel = "botnet,spoofed",
            description = "Which floods (default: both).")
    private List<String> attacks = List.of("botnet", "spoofed");

    private final Path root = Suite.root();
    private final List<Trial> trials = new ArrayList<>();
    private Duration flood;
    private SpoofedReport spoofed;

    ServiceBench() {
        super(3, 1);
    }

    @Override
    Report measure() throws Exception {
        flood = Duration.ofSeconds(seconds != null ? seconds : options.quick ? 4 : 8);
        for (String a : attacks) {
            if (!a.equals("botnet") && !a.equals("spoofed")) {
                throw new IllegalArgumentException("unknown attack " + a + "; attacks are botnet and spoofed");
            }
        }
        if (attacks.contains("botnet")) {
            run();
        }
        if (attacks.contains("spoofed")) {
            double[] shares = options.quick ? Sweep.QUICK_SHARES : Sweep.SHARES;
            Duration spoofedFlood = Duration.ofSeconds(seconds != null ? seconds : options.quick ? 2 : 5);
            spoofed = new SpoofedReport(new SpoofedSweep(root, spoofedFlood, rounds, shares).run(), shares);
        }
        return new Report(markdown(), result());
    }

    private void run() throws Exception {
        step("building the namespaces and a veth between them");
        try (BenchWorld world = new BenchWorld("svc"); FloodGenerator generator = FloodGenerator.load()) {
            // the device's NAPI runs where the generator sends, batch by batch: a rate-capped flood
            // goes out in bursts, which a NAPI thread on another CPU would partly lose to its ring
            world.floodReady();
            LegitClients.ADDRESSES.forEach(world::address);
            // a peer with cached TCP metrics is "proven" and keeps a quarter of a full SYN queue
            // without cookies: the clients are to fare as new ones would
            world.in(world.srv, "sysctl", "-q", "-w", "net.ipv4.tcp_no_metrics_save=1");
            FloodGenerator.Egress egress = new FloodGenerator.Egress(world.namespace(world.net), "sgc0",
                    HexFormat.ofDelimiter(":").parseHex(world.mac(world.srv, BenchWorld.IFACE)), 0);
            AtomicBoolean serving = new AtomicBoolean(true);
            Thread server = Thread.ofPlatform().name("server").start(() -> LegitClients.serve(world.namespace(world.srv), serving));
            try {
                for (int round = 1; round <= rounds; round++) {
                    for (long rate : RATES) {
                        for (int i = 0; i < PROTECTIONS.size(); i++) {
                            String protection = PROTECTIONS.get((i + round - 1) % PROTECTIONS.size());
                            trials.add(trial(world, generator, egress, protection, rate, round));
                        }
                    }
                }
            } finally {
                serving.set(false);
                server.interrupt();
            }
        }
    }

    private Trial trial(BenchWorld world, FloodGenerator generator, FloodGenerator.Egress egress, String protection,
                        long rate, int round) throws Exception {
        world.in(world.srv, "sysctl", "-q", "-w", "net.ipv4.tcp_syncookies=" + (protection.equals("none") ? 0 : 1));
        DaemonUnderTest daemon = null;
        Path state = Files.createTempDirectory(world.stateDir, "trial-");
        if (protection.equals("nftables")) {
            world.in(world.srv, "nft", "-f", writeNftables(state).toString());
        } else if (protection.equals("synguard")) {
            daemon = DaemonUnderTest.start(world, root, state, world.bpffs.resolve("svc-" + state.getFileName()),
                    "--detach-on-exit");
        }
        try {
            Thread.sleep(1000);
            LegitClients clients = new LegitClients(world.namespace(world.net));
            Watch watch = daemon == null ? null : new Watch(daemon.api());
            Thread watcher = watch == null ? null : Thread.ofPlatform().start(watch);
            Instant start = Instant.now();
            FloodGenerator.Report sent = generator.run(Flood.of(BOTNET, Prefix.parse(BenchWorld.SERVER), PORT, rate, 0, flood),
                    egress, p -> { });
            LegitClients.Outcome legit = clients.stop();
            if (watcher != null) {
                watch.stop();
                watcher.join();
            }
            Trial t = new Trial(protection, rate, round, sent.pps() / 1e6, legit.attempts(), legit.successPct(), legit.p50Ms(),
                    legit.p99Ms(),
                    watch == null || watch.detected == null ? Double.NaN : Duration.between(start, watch.detected).toMillis() / 1e3,
                    watch == null || watch.blocked == null ? Double.NaN : Duration.between(start, watch.blocked).toMillis() / 1e3);
            step(String.format(Locale.ROOT, "round %d, flood %s, %-10s: %.2f Mpps sent; legit %d connects, %.1f%% ok, "
                            + "p50 %.2f ms, p99 %.2f ms%s", round, rateText(rate), protection, t.genMpps, t.attempts, t.successPct,
                    t.p50Ms, t.p99Ms, protection.equals("synguard") ? String.format(Locale.ROOT,
                            "; detected %.2f s, first block %.2f s", t.detectS, t.firstBlockS) : ""));
            return t;
        } finally {
            if (daemon != null) {
                daemon.close();
            }
            if (protection.equals("nftables")) {
                world.in(world.srv, "nft", "delete table netdev sgservice");
            }
        }
    }

    private static Path writeNftables(Path dir) throws IOException {
        Path file = dir.resolve("service.nft");
        Files.writeString(file, "table netdev sgservice {\n"
                + "  set limited { type ipv4_addr; size 65536; flags dynamic,timeout; timeout 60s; }\n"
                + "  chain ingress { type filter hook ingress device \"" + BenchWorld.IFACE + "\" priority -500; policy accept;\n"
                + "    meta l4proto tcp tcp flags & (syn|ack) == syn update @limited { ip saddr limit rate over "
                + PeerScenario.RATE_LIMIT_PPS + "/second burst " + PeerScenario.RATE_LIMIT_BURST + " packets } counter drop;\n"
                + "  }\n}\n");
        return file;
    }

    /** Polls the daemon's status: when it first saw the attack, and its first automatic block. */
    private static final class Watch implements Runnable {
        private final KeepAliveClient api;
        private volatile boolean running = true;
        volatile Instant detected;
        volatile Instant blocked;

        Watch(KeepAliveClient api) {
            this.api = api;
        }

        @Override
        public void run() {
            while (running && (detected == null || blocked == null)) {
                JsonNode status;
                try {
                    status = Json.mapper().readTree(api.send("GET", "/v1/status", new byte[0]).body());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Instant now = Instant.now();
                if (detected == null && status.at("/attack/active").asBoolean()) {
                    detected = now;
                }
                if (blocked == null && status.at("/lists/blocks_auto").asLong() > 0) {
                    blocked = now;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() {
            running = false;
        }
    }

    private static String rateText(long rate) {
        return rate == 0 ? "flat out" : rate >= 1_000_000 ? rate / 1_000_000 + "M/s" : rate / 1000 + "k/s";
    }

    private Map<String, double[]> medians() {
        Map<String, double[]> rows = new LinkedHashMap<>();
        for (long rate : RATES) {
            for (String p : PROTECTIONS) {
                List<Trial> of = trials.stream().filter(t -> t.rate == rate && t.protection.equals(p)).toList();
                if (!of.isEmpty()) {
                    rows.put(rateText(rate) + "|" + p, new double[]{median(of, Trial::genMpps), median(of, Trial::successPct),
                            median(of, Trial::p50Ms), median(of, Trial::p99Ms), median(of, Trial::detectS),
                            median(of, Trial::firstBlockS), of.size()});
                }
            }
        }
        return rows;
    }

    private static double median(List<Trial> trials, ToDoubleFunction<Trial> field) {
        return Stats.median(trials.stream().mapToDouble(field).filter(d -> !Double.isNaN(d)).toArray());
    }

    private String markdown() {
        StringBuilder sb = new StringBuilder("Machine: ").append(Machine.current().describe()).append("\n\n");
        sb.append("Command: `").append(options.command()).append("` (").append(rounds).append(" interleaved rounds; ")
                .append(LegitClients.ADDRESSES.size())
                .append(" legitimate clients, each from its own address, connecting all along, 1 s timeout; medians)\n\n");
        if (!trials.isEmpty()) {
            sb.append(flood.toSeconds()).append(" s floods from a 200-host botnet:\n\n");
            sb.append("| flood | protection | sent Mpps | legit success | connect p50 ms | p99 ms | detected s | first block s |\n")
                    .append("|---|---|---:|---:|---:|---:|---:|---:|\n");
            medians().forEach((key, v) -> sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.1f%% | %s | %s | %s | %s |%n",
                    key.split("\\|")[0], key.split("\\|")[1], v[0], v[1], fmt(v[2]), fmt(v[3]), fmt(v[4]), fmt(v[5]))));
            sb.append('\n');
        }
        if (spoofed != null) {
            sb.append(spoofed.markdown());
        }
        return sb.toString();
    }

    private Result result() {
        List<Row> rows = new ArrayList<>();
        medians().forEach((key, v) -> rows.add(new Row(key.split("\\|")[0], key.split("\\|")[1], v[0], v[1],
                Stats.orNull(v[2]), Stats.orNull(v[3]), Stats.orNull(v[4]), Stats.orNull(v[5]), (int) v[6])));
        Result result = new Result(options.command()).with("results", rows);
        if (spoofed != null) {
            result.with("spoofed", spoofed.rows()).with("ceiling_rx_mpps", Stats.orNull(spoofed.ceilingMpps()))
                    .with("capacity", spoofed.capacities()).with("targets", spoofed.targets());
        }
        return result;
    }

    /** One protection under one flood in the JSON: medians over its rounds; null where there is no figure. */
    record Row(String flood, String protection, double genMpps, double legitSuccessPct, Double connectP50Ms,
               Double connectP99Ms, Double detectS, Double firstBlockS, int repeats) {}

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static void step(String what) {
        System.err.println(what);
    }

    /** One protection under one flood: what was sent, how the legitimate clients fared, what synguard saw. */
    record Trial(String protection, long rate, int round, double genMpps, int attempts, double successPct, double p50Ms,
                 double p99Ms, double detectS, double firstBlockS) {}
}

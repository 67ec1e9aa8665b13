package io.synguard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.bpf.NetNamespace;
import io.synguard.dataplane.Dataplane;
import io.synguard.dataplane.RuleSpec;
import io.synguard.json.Json;
import io.synguard.net.Prefix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The control plane as BENCHMARKS.md §4 and the control-plane issue ask: the daemon started by the
 * {@code synguard} launcher in a namespace, measured from outside through its API.
 * <ul>
 * <li>time from a single-source SYN flood's start until the API reports the attack and the first
 * automatic block (polled every 20 ms; interval 1 s, default settings);</li>
 * <li>add-one-block over REST, p50/p99 and ops/s on one keep-alive connection, beside GET /healthz
 * on the same connection in the same round (the server's floor);</li>
 * <li>a bulk import of 1M prefixes in one request, end to end, beside the same 1M put straight
 * into a fresh data plane's maps in the same run (the batched map update's floor);</li>
 * <li>the daemon's resident memory idle and holding those 1M blocks, 3 s and 10 s after the import, and the CPU
 * time the daemon spent on the import (less moved by other work on the machine than the wall time).</li>
 * </ul>
 */
@Command(name = "controlplane", description = {
        "The daemon in namespaces: flood-to-detection and to first block, REST latency, a 1M-prefix bulk import, "
                + "resident memory idle and with 1M blocks.",
        "Full: 5 rounds of each part, REST rounds of 2000 requests each. --quick: 3 rounds, of 500 requests.",
        "Parts (--only): detection, rest, bulk (the import, its floor and the memory, a fresh daemon each round)."})
final class ControlplaneBench extends RoundsSuite {
    private static final int BULK = 1_000_000;

    @Mixin
    private OnlyOption only;

    private final Path root = Suite.root();
    private final Map<String, double[]> figures = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private int requests;

    ControlplaneBench() {
        super(5, 3);
    }

    @Override
    Report measure() throws Exception {
        requests = options.quick ? 500 : 2000;
        try (BenchWorld world = new BenchWorld("cp")) {
            run(world);
        }
        return new Report(markdown(), new Result(options.command()).with("figures", figures()));
    }

    private void run(BenchWorld world) throws Exception {
        if (part("detection") || part("rest")) {
            step("starting the daemon through " + root.resolve("synguard"));
            try (DaemonUnderTest daemon = DaemonUnderTest.start(world, root, world.stateDir,
                    world.bpffs.resolve(BenchWorld.IFACE))) {
                if (part("detection")) {
                    detection(world, daemon.api());
                }
                if (part("rest")) {
                    rest(daemon.api());
                }
            }
        }
        if (part("bulk")) {
            byte[] body = bulkBody();
            List<RuleSpec> specs = Blocklists.generate(BULK, 7).prefixes().stream()
                    .map(p -> new RuleSpec(p, false, null)).toList();
            for (int r = 0; r < rounds; r++) {
                step("bulk round " + (r + 1) + " of " + rounds);
                bulk(world, r, body);
                bulkFloor(specs);
                record("bulk_over_floor", last("bulk_1m_s") / last("bulk_1m_maps_only_s"));
            }
        }
    }

    private boolean part(String name) {
        return name.matches(only.only);
    }

    private void detection(BenchWorld world, KeepAliveClient api) throws Exception {
        JsonNode config = json(api.send("GET", "/v1/config", new byte[0]));
        notes.add("detection: interval " + config.at("/detection/interval_ms").asLong() + " ms, floor "
                + config.at("/detection/min_threshold_pps").asLong() + " SYN/s, rate limit "
                + config.at("/rate_limit/syn_pps").asLong() + " SYN/s per source");
        double[] rates = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            String attacker = "198.19.0." + (10 + r);
            world.address(attacker);
            step("detection round " + (r + 1) + " of " + rounds + ": flooding from " + attacker);
            AtomicBoolean stop = new AtomicBoolean();
            long autoBefore = json(api.send("GET", "/v1/status", new byte[0])).at("/lists/blocks_auto").asLong();
            Instant start = Instant.now();
            long sent;
            Instant since = null;
            Instant blocked = null;
            try (var flooder = Executors.newSingleThreadExecutor(Thread.ofPlatform().factory())) {
                CompletableFuture<long[]> flood = CompletableFuture.supplyAsync(
                        () -> flood(world.namespace(world.net), attacker, stop, Duration.ofSeconds(8)), flooder);
                long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
                while (System.nanoTime() < deadline && (since == null || blocked == null)) {
                    Thread.sleep(20);
                    JsonNode status = json(api.send("GET", "/v1/status", new byte[0]));
                    Instant seen = Instant.now();
                    if (since == null && status.at("/attack/active").asBoolean()) {
                        since = seen;
                    }
                    if (blocked == null && status.at("/lists/blocks_auto").asLong() > autoBefore) {
                        blocked = seen;
                    }
                }
                stop.set(true);
                long[] result = flood.get();
                sent = result[0];
                rates[r] = result[0] / (result[1] / 1e9);
            }
            if (since == null || blocked == null) {
                throw new IllegalStateException("round " + (r + 1) + ": no " + (since == null ? "detection" : "block")
                        + " within 8 s of a flood of " + sent + " SYNs; status: "
                        + api.send("GET", "/v1/status", new byte[0]).body() + "\ndaemon log:\n"
                        + Files.readString(world.stateDir.resolve("daemon.log")));
            }
            record("detect_s", Duration.between(start, since).toMillis() / 1000.0);
            record("first_block_s", Duration.between(start, blocked).toMillis() / 1000.0);
            step(String.format(Locale.ROOT, "  detected after %.2f s, first block after %.2f s (%.0f SYN/s sent)",
                    last("detect_s"), last("first_block_s"), rates[r]));
            awaitCalm(api);
        }
        figures.put("flood_syn_pps", rates);
    }

    private static void awaitCalm(KeepAliveClient api) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (json(api.send("GET", "/v1/status", new byte[0])).at("/attack/active").asBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the attack did not end within 30 s of the flood");
            }
            Thread.sleep(200);
        }
    }

    /** SYNs from source until stop or limit: non-blocking connects closed at once; {sent, nanos}. */
    private static long[] flood(Path namespace, String source, AtomicBoolean stop, Duration limit) {
        return NetNamespace.inside(namespace, () -> {
            try {
                InetSocketAddress from = new InetSocketAddress(InetAddress.getByName(source), 0);
                InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(BenchWorld.SERVER), 8080);
                long begin = System.nanoTime();
                long deadline = begin + limit.toNanos();
                long sent = 0;
                while (!stop.get() && System.nanoTime() < deadline) {
                    try (SocketChannel channel = SocketChannel.open()) {
                        channel.configureBlocking(false);
                        channel.bind(from);
                        channel.connect(to);
                        sent++;
                    }
                }
                return new long[]{sent, System.nanoTime() - begin};
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private void rest(KeepAliveClient api) {
        byte[] empty = new byte[0];
        int n = 0;
        for (int i = 0; i < 300; i++) {
            api.send("GET", "/healthz", empty);
            api.send("POST", "/v1/blocks", blockBody(n++));
        }
        for (int r = 0; r < rounds; r++) {
            step("REST round " + (r + 1) + " of " + rounds + ": " + requests + " GET /healthz, " + requests
                    + " POST /v1/blocks");
            long[] health = new long[requests];
            long[] post = new long[requests];
            long postNanos = 0;
            for (int i = 0; i < requests; i++) {
                long t0 = System.nanoTime();
                int hs = api.send("GET", "/healthz", empty).status();
                long t1 = System.nanoTime();
                int ps = api.send("POST", "/v1/blocks", blockBody(n++)).status();
                long t2 = System.nanoTime();
                if (hs != 200 || ps != 201) {
                    throw new IllegalStateException("healthz " + hs + ", add block " + ps);
                }
                health[i] = t1 - t0;
                post[i] = t2 - t1;
                postNanos += t2 - t1;
            }
            Arrays.sort(health);
            Arrays.sort(post);
            record("healthz_p50_ms", health[requests / 2] / 1e6);
            record("healthz_p99_ms", health[requests * 99 / 100] / 1e6);
            record("add_block_p50_ms", post[requests / 2] / 1e6);
            record("add_block_p99_ms", post[requests * 99 / 100] / 1e6);
            record("add_block_ops_s", requests / (postNanos / 1e9));
            record("add_block_p50_over_healthz", (double) post[requests / 2] / health[requests / 2]);
        }
    }

    /** A /32 per request inside 198.19.128.0/17, away from the flood sources. */
    private static byte[] blockBody(int n) {
        return ("{\"prefix\":\"198.19." + (128 + (n >> 8 & 0x7f)) + "." + (n & 0xff) + "\",\"ttl_s\":3600}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** The import's body: a JSON array of the data-plane suite's 1M prefixes. */
    private static byte[] bulkBody() {
        step("bulk import: building a JSON array of " + BULK + " prefixes");
        List<Prefix> prefixes = Blocklists.generate(BULK, 7).prefixes();
        StringBuilder body = new StringBuilder(BULK * 32).append('[');
        for (int i = 0; i < prefixes.size(); i++) {
            body.append(i == 0 ? "" : ",").append("{\"prefix\":\"").append(prefixes.get(i)).append("\"}");
        }
        return body.append(']').toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * One round of the import: a fresh daemon (own state and pins, detached on exit), its resident
     * memory idle, the import, and its resident memory holding the 1M blocks.
     */
    private void bulk(BenchWorld world, int round, byte[] body) throws Exception {
        Path state = Files.createDirectories(world.stateDir.resolve("bulk-" + round));
        Path pins = world.pinDirectory("bulk-" + round).resolve(BenchWorld.IFACE);
        long started = System.nanoTime();
        try (DaemonUnderTest daemon = DaemonUnderTest.start(world, root, state, pins, "--detach-on-exit")) {
            record("start_empty_s", (System.nanoTime() - started) / 1e9);
            Thread.sleep(3_000);
            record("rss_idle_mb", rssMb(daemon.process()));
            step(String.format(Locale.ROOT, "  POST /v1/blocks with %.1f MB", body.length / 1e6));
            double cpu0 = cpuSeconds(daemon.process());
            long t1 = System.nanoTime();
            KeepAliveClient.Reply reply = daemon.api().send("POST", "/v1/blocks", body);
            long nanos = System.nanoTime() - t1;
            double cpu = cpuSeconds(daemon.process()) - cpu0;
            if (reply.status() != 201) {
                throw new IllegalStateException("bulk import: HTTP " + reply.status() + " " + reply.body());
            }
            record("bulk_1m_s", nanos / 1e9);
            record("bulk_1m_daemon_cpu_s", cpu);
            record("bulk_body_mb", body.length / 1e6);
            step(String.format(Locale.ROOT, "  %s in %.2f s, %.2f s of the daemon's CPU", reply.body(), nanos / 1e9, cpu));
            Thread.sleep(3_000);
            record("rss_1m_blocks_mb", rssMb(daemon.process()));
            Thread.sleep(7_000);
            record("rss_1m_blocks_10s_mb", rssMb(daemon.process()));
            step(String.format(Locale.ROOT, "  resident %.0f MB idle, %.0f MB with the 1M blocks (3 s after), %.0f MB 10 s after",
                    last("rss_idle_mb"), last("rss_1m_blocks_mb"), last("rss_1m_blocks_10s_mb")));
        }
        restart(world, state, pins, "restart_1m_pins_kept_s");
        Path cold = world.pinDirectory("bulk-" + round + "-cold").resolve(BenchWorld.IFACE);
        restart(world, state, cold, "restart_1m_cold_s");
        // each set holds a million rules' maps: gone before the floor and the next round are measured
        BenchWorld.deleteTree(pins);
        BenchWorld.deleteTree(cold);
    }

    /**
     * A daemon started again on the state of the import: from launch until its API answers, which it
     * does once the journal is replayed and the maps hold the lists. With the pins kept (a restart)
     * the maps are checked against the journal; with new ones (after a reboot) they are filled.
     */
    private void restart(BenchWorld world, Path state, Path pins, String figure) throws Exception {
        long t0 = System.nanoTime();
        try (DaemonUnderTest daemon = DaemonUnderTest.start(world, root, state, pins, "--detach-on-exit")) {
            double seconds = (System.nanoTime() - t0) / 1e9;
            JsonNode lists = json(daemon.api().send("GET", "/v1/status", new byte[0])).get("lists");
            long blocks = lists.get("blocks_operator").asLong() + lists.get("blocks_auto").asLong();
            if (blocks != BULK) {
                throw new IllegalStateException(figure + ": the daemon came back with " + blocks + " blocks, not " + BULK);
            }
            record(figure, seconds);
            step(String.format(Locale.ROOT, "  %s: %.2f s (from launch until the API answers)", figure, seconds));
        }
    }

    /** The same prefixes put straight into a fresh data plane's maps through RuleList.putAll. */
    private void bulkFloor(List<RuleSpec> specs) {
        try (Dataplane dp = Dataplane.load(Dataplane.Options.defaults().withMaxRules(1 << 21))) {
            long t0 = System.nanoTime();
            dp.blocklist().putAll(specs);
            record("bulk_1m_maps_only_s", (System.nanoTime() - t0) / 1e9);
        }
        step(String.format(Locale.ROOT, "  floor: the maps alone in %.2f s", last("bulk_1m_maps_only_s")));
    }

    /** The CPU time (user and system) a process and its threads have used so far, in seconds. */
    private static double cpuSeconds(Process p) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime, stime in USER_HZ ticks
    }

    private static double rssMb(Process p) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + p.pid());
    }

    private void record(String name, double value) {
        figures.put(name, Stats.append(figures.getOrDefault(name, new double[0]), value));
    }

    private double last(String name) {
        double[] v = figures.get(name);
        return v[v.length - 1];
    }

    private String markdown() {
        StringBuilder sb = new StringBuilder("| figure | median | all |\n|---|---|---|\n");
        figures.forEach((k, v) -> sb.append("| ").append(k).append(" | ").append(fmt(Stats.median(v))).append(" | ")
                .append(String.join(" ", Arrays.stream(v).mapToObj(ControlplaneBench::fmt).toList())).append(" |\n"));
        notes.forEach(n -> sb.append("\n").append(n));
        return sb.append("\n\n").append(Machine.current().describe()).append("\ncommand: ").append(options.command())
                .append('\n').toString();
    }

    /** Each figure in the JSON: its median and every measurement. */
    private Map<String, Figure> figures() {
        Map<String, Figure> out = new LinkedHashMap<>();
        figures.forEach((name, all) -> out.put(name, new Figure(Stats.median(all), all)));
        return out;
    }

    record Figure(double median, double[] all) {}

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 1 ? "%.2f" : "%.3f", v);
    }

    private static JsonNode json(KeepAliveClient.Reply reply) {
        try {
            return Json.mapper().readTree(reply.body());
        } catch (IOException e) {
            throw new UncheckedIOException("HTTP " + reply.status() + " " + reply.body(), e);
        }
    }

    private static void step(String what) {
        System.err.println(what);
    }
}

package io.synguard.bench;

import io.synguard.bpf.Cpus;
import io.synguard.bpf.XdpLink;
import io.synguard.flood.Flood;
import io.synguard.flood.FloodGenerator;
import io.synguard.flood.Sources;
import io.synguard.json.Json;
import io.synguard.net.Prefix;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The service under spoofed (random-source) SYN floods: flat out first, for each protection's
 * capacity (SYNs answered a second at the receiving CPU), then smooth floods at shares of synguard's
 * cookie capacity (the median of its flat-out trials so far in the run, this round's included), with legitimate clients connecting all along; beside
 * them, flat out, the references: the ceiling, an XDP_DROP program, as fast as the device takes
 * frames in, and {@code parse_tx}, which parses as synguard does and sends each SYN back with
 * XDP_TX, addressed as a SYN-ACK: what answering at all costs on this device, cookies aside. The
 * device under test's NAPI runs in a thread of its own on {@link #DUT_CPU}; the generator, and the
 * client side's NAPI that takes the answers, on {@link #GENERATOR_CPU}; every protection has an XDP program on the same receive ring:
 * <ul>
 * <li>{@code kernel}: the stack's own SYN cookies behind an XDP_PASS program;
 * <li>{@code synguard-off}: the daemon as shipped with {@code cookies} off (the stack's cookies answer);
 * <li>{@code synguard}: the daemon with {@code cookies} always (SYN cookies from XDP).
 * </ul>
 */
final class SpoofedSweep {
    static final List<String> PROTECTIONS = List.of("kernel", "synguard-off", "synguard");
    /** The reference flooded flat out first in every round: how fast the device takes frames in at all. */
    static final String CEILING = "xdp_drop";
    /** The reference flooded flat out next: how fast the device can answer at all, with XDP_TX and no cookie. */
    static final String REFLECTOR = "parse_tx";
    static final Sources SPOOFED = Sources.parse("spoofed:198.19.0.0/16");
    private static final int GENERATOR_CPU = 0;
    private static final int DUT_CPU = 1;

    private final Path root;
    private final Duration flood;
    private final int rounds;
    private final double[] shares;
    private final List<Trial> trials = new ArrayList<>();

    SpoofedSweep(Path root, Duration flood, int rounds, double[] shares) {
        this.root = root;
        this.flood = flood;
        this.rounds = rounds;
        this.shares = shares;
    }

    /** Runs every round; each trial, in the order run. */
    List<Trial> run() throws Exception {
        if (Cpus.possible() < 2) {
            throw new IllegalStateException("the spoofed sweep needs two CPUs: one sends, the other receives");
        }
        step("spoofed floods: namespaces, a veth, threaded NAPI on CPU " + DUT_CPU);
        try (BenchWorld world = new BenchWorld("spf"); FloodGenerator generator = FloodGenerator.load()) {
            world.floodReady();
            world.threadedNapi(DUT_CPU);
            LegitClients.ADDRESSES.forEach(world::address);
            world.in(world.srv, "sysctl", "-q", "-w", "net.ipv4.tcp_no_metrics_save=1");
            world.in(world.srv, "sysctl", "-q", "-w", "net.ipv4.tcp_syncookies=1");
            FloodGenerator.Egress egress = new FloodGenerator.Egress(world.namespace(world.net), "sgc0",
                    HexFormat.ofDelimiter(":").parseHex(world.mac(world.srv, BenchWorld.IFACE)), GENERATOR_CPU);
            AtomicBoolean serving = new AtomicBoolean(true);
            Thread server = Thread.ofPlatform().name("server").start(() -> LegitClients.serve(world.namespace(world.srv), serving));
            // SYN-ACKs sent with XDP_TX reach the client side only if its veth has NAPI
            try (XdpLink _ = generator.receiveXdpTx(egress)) {
                // and take them on the generator's CPU: what it costs to receive them is not the device's
                world.threadedNapi(world.net, "sgc0", GENERATOR_CPU);
                for (int round = 1; round <= rounds; round++) {
                    round(world, generator, egress, round);
                }
            } finally {
                serving.set(false);
                server.join();
            }
        }
        return trials;
    }

    private void round(BenchWorld world, FloodGenerator generator, FloodGenerator.Egress egress, int round) throws Exception {
        List<String> order = new ArrayList<>();
        for (int i = 0; i < PROTECTIONS.size(); i++) {
            order.add(PROTECTIONS.get((i + round - 1) % PROTECTIONS.size()));
        }
        for (String protection : Stream.concat(Stream.of(CEILING, REFLECTOR), order.stream()).toList()) {
            try (Protection _ = Protection.start(world, root, protection)) {
                trials.add(trial(world, generator, egress, protection, round, Double.NaN, 0));
            }
        }
        double capacity = Stats.median(trials.stream().filter(t -> t.protection.equals("synguard") && t.flatOut())
                .mapToDouble(Trial::answeredPps).toArray());
        long[] rates = Sweep.rates(capacity, shares);
        for (String protection : order) {
            try (Protection _ = Protection.start(world, root, protection)) {
                for (int i = 0; i < rates.length; i++) {
                    trials.add(trial(world, generator, egress, protection, round, shares[i], rates[i]));
                }
            }
        }
    }

    private Trial trial(BenchWorld world, FloodGenerator generator, FloodGenerator.Egress egress, String protection,
                        int round, double share, long rate) throws Exception {
        Thread.sleep(500);
        BenchWorld.DutStats before = world.dutStats();
        Flood f = Flood.of(SPOOFED, Prefix.parse(BenchWorld.SERVER), LegitClients.PORT, rate, 0, flood);
        // the clients on the device's CPU: on the generator's, each connect would pause the flood
        LegitClients clients = new LegitClients(world.namespace(world.net), DUT_CPU);
        FloodGenerator.Report sent;
        LegitClients.Outcome legit;
        try {
            sent = generator.run(rate == 0 ? f : f.smoothly(), egress, p -> { });
        } finally {
            legit = clients.stop();
        }
        BenchWorld.DutStats after = world.dutStats();
        long nanos = sent.elapsedNanos();
        Trial t = new Trial(protection, round, share, rate, sent.pps(), (after.received() - before.received()) * 1e9 / nanos,
                Sweep.answeredPps(before, after, nanos), legit);
        step(String.format(Locale.ROOT, "round %d, spoofed %s, %-12s: %.2f Mpps sent, %.2f received, %.2f answered; "
                        + "legit %d connects, %.1f%% ok, p99 %.2f ms", round, t.floodText(), protection, t.genPps / 1e6,
                t.rxPps / 1e6, t.answeredPps / 1e6, legit.attempts(), legit.successPct(), legit.p99Ms()));
        return t;
    }

    /** What guards the device under test during a group of trials (or a reference program); closing takes it off. */
    private record Protection(CeilingFilter pass, DaemonUnderTest daemon) implements AutoCloseable {
        static Protection start(BenchWorld world, Path root, String name) throws Exception {
            if (name.equals("kernel") || name.equals(CEILING) || name.equals(REFLECTOR)) {
                Path srv = world.namespace(world.srv);
                CeilingFilter pass = switch (name) {
                    case CEILING -> CeilingFilter.drop(srv);
                    case REFLECTOR -> CeilingFilter.parseTx(srv);
                    default -> CeilingFilter.pass(srv);
                };
                try {
                    pass.enable();
                } catch (RuntimeException e) {
                    pass.close();
                    throw e;
                }
                return new Protection(pass, null);
            }
            Path state = Files.createTempDirectory(world.stateDir, "spoofed-");
            DaemonUnderTest daemon = DaemonUnderTest.start(world, root, state, world.bpffs.resolve("spf-" + state.getFileName()),
                    "--detach-on-exit");
            try {
                boolean cookies = name.equals("synguard");
                daemon.api().send("PATCH", "/v1/config", ("{\"cookies\":\"" + (cookies ? "always" : "off") + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
                awaitCookies(daemon, cookies);
            } catch (Exception e) {
                daemon.close();
                throw e;
            }
            return new Protection(null, daemon);
        }

        /** Waits for the daemon's cookie step to be as asked (it switches on its next tick). */
        private static void awaitCookies(DaemonUnderTest daemon, boolean on) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (Json.mapper().readTree(daemon.api().send("GET", "/v1/status", new byte[0]).body())
                    .at("/cookies/active").asBoolean() != on) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("synguard's cookies did not turn " + (on ? "on" : "off") + ":\n"
                            + Files.readString(daemon.log()));
                }
                Thread.sleep(100);
            }
        }

        @Override
        public void close() throws Exception {
            if (pass != null) {
                pass.close();
            }
            if (daemon != null) {
                daemon.close();
            }
        }
    }

    private static void step(String what) {
        System.err.println(what);
    }

    /**
     * One protection under one spoofed flood: the share of synguard's capacity it was paced at (NaN:
     * flat out) and the rate that made, what was sent, received at the device under test and
     * answered there, a second; and how the legitimate clients fared.
     */
    record Trial(String protection, int round, double share, long ratePps, double genPps, double rxPps, double answeredPps,
                 LegitClients.Outcome legit) {
        boolean flatOut() {
            return Double.isNaN(share);
        }

        String floodText() {
            return flatOut() ? "flat out" : String.format(Locale.ROOT, "%.2f x capacity", share);
        }
    }
}

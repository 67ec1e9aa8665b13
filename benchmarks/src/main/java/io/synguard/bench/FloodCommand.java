package io.synguard.bench;

import io.synguard.bpf.NetNamespace;
import io.synguard.flood.Flood;
import io.synguard.flood.FloodGenerator;
import io.synguard.flood.Sources;
import io.synguard.net.Prefix;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The flood generator on its own, with a progress line:
 *
 * <p>{@code benchmarks/run flood --netns NS --iface IF --peer-mac MAC --target ADDRESS
 * [--sources fixed:A|botnet:A+N|spoofed:PREFIX] [--port P] [--rate PPS] [--count N] [--seconds S]
 * [--legit ADDRESS --legit-share 0..1] [--cpu N]}
 *
 * <p>Rate 0 (the default) sends as fast as it goes; the flood ends after count frames or seconds,
 * whichever comes first. Targets and sources must lie in 198.18.0.0/15 or 2001:2::/48, the
 * benchmarking ranges.
 */
final class FloodCommand {
    private static final List<Prefix> BENCHMARKING = List.of(Prefix.parse("198.18.0.0/15"), Prefix.parse("2001:2::/48"));

    private FloodCommand() {}

    static void main(List<String> args) throws Exception {
        String netns = null;
        String iface = null;
        byte[] mac = null;
        Prefix target = null;
        Sources sources = Sources.parse("fixed:198.19.0.66");
        int port = 8080;
        long rate = 0;
        long count = 0;
        Duration seconds = Duration.ofSeconds(10);
        Prefix legit = null;
        double share = 0;
        int cpu = -1;
        for (int i = 0; i < args.size(); i++) {
            String value = i + 1 < args.size() ? args.get(i + 1) : "";
            switch (args.get(i)) {
                case "--netns" -> netns = value;
                case "--iface" -> iface = value;
                case "--peer-mac" -> mac = HexFormat.ofDelimiter(":").parseHex(value);
                case "--target" -> target = Prefix.parse(value);
                case "--sources" -> sources = Sources.parse(value);
                case "--port" -> port = Integer.parseInt(value);
                case "--rate" -> rate = Long.parseLong(value);
                case "--count" -> count = Long.parseLong(value);
                case "--seconds" -> seconds = Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
                case "--legit" -> legit = Prefix.parse(value);
                case "--legit-share" -> share = Double.parseDouble(value);
                case "--cpu" -> cpu = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args.get(i));
            }
            i++;
        }
        if (netns == null || iface == null || mac == null || target == null) {
            throw new IllegalArgumentException("--netns, --iface, --peer-mac and --target are required");
        }
        for (Prefix p : legit == null ? List.of(target, sources.base()) : List.of(target, sources.base(), legit)) {
            if (BENCHMARKING.stream().noneMatch(range -> range.contains(p))) {
                throw new IllegalArgumentException(p + " is outside the benchmarking ranges " + BENCHMARKING);
            }
        }
        Flood flood = Flood.of(sources, target, port, rate, count, seconds);
        if (legit != null) {
            flood = flood.withLegit(legit, share);
        }
        try (FloodGenerator generator = FloodGenerator.load()) {
            FloodGenerator.Report report = generator.run(flood, new FloodGenerator.Egress(NetNamespace.named(netns), iface, mac, cpu),
                    p -> System.err.printf(Locale.ROOT, "\r%6.1f s  %,15d frames  %8.3f Mpps", p.elapsedNanos() / 1e9, p.sent(),
                            p.recentPps() / 1e6));
            System.err.println();
            System.out.printf(Locale.ROOT, "sent %,d frames in %.2f s: %.3f Mpps%n", report.sent(), report.elapsedNanos() / 1e9,
                    report.pps() / 1e6);
        }
    }
}

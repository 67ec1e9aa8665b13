package io.synguard.bench;

import io.synguard.bpf.NetNamespace;
import io.synguard.flood.Flood;
import io.synguard.flood.FloodGenerator;
import io.synguard.flood.Sources;
import io.synguard.host.NamespaceNetwork;
import io.synguard.net.Prefix;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The flood generator on its own, with a progress line. Rate 0 (the default) sends as fast as it
 * goes; the flood ends after count frames or seconds, whichever comes first. Targets and sources
 * must lie in 198.18.0.0/15 or 2001:2::/48, the benchmarking ranges.
 */
@Command(name = "flood", description = "The flood generator alone: SYNs out of IF in namespace NS, with a progress line.")
final class FloodCommand implements Callable<Integer> {
    @Option(names = "--netns", paramLabel = "NS", required = true, description = "The namespace the interface is in.")
    private String netns;

    @Option(names = "--iface", paramLabel = "IF", required = true, description = "The interface to send out of.")
    private String iface;

    @Option(names = "--peer-mac", paramLabel = "MAC", required = true, description = "The MAC address the frames go to.")
    private String mac;

    @Option(names = "--target", paramLabel = "ADDRESS", required = true, description = "Where the SYNs go.")
    private String target;

    @Option(names = "--sources", paramLabel = "fixed:A|botnet:A+N|spoofed:PREFIX", defaultValue = "fixed:198.19.0.66",
            description = "Where they come from (default: ${DEFAULT-VALUE}).")
    private String sources;

    @Option(names = "--port", paramLabel = "P", defaultValue = "8080", description = "Destination port (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--rate", paramLabel = "PPS", defaultValue = "0", description = "Frames a second; 0: as fast as it goes.")
    private long rate;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "Frames to send; 0: no limit.")
    private long count;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10", description = "How long (default: ${DEFAULT-VALUE}).")
    private double seconds;

    @Option(names = "--legit", paramLabel = "ADDRESS", description = "A legitimate source mixed in.")
    private String legit;

    @Option(names = "--legit-share", paramLabel = "0..1", defaultValue = "0", description = "Its share of the frames.")
    private double share;

    @Option(names = "--smooth", description = "Space a rate-capped flood's frames evenly (a sender CPU spins) rather than "
            + "send 1/20 s worth at once.")
    private boolean smooth;

    @Option(names = "--cpu", paramLabel = "N", defaultValue = "-1", description = "The CPU to send from (default: any).")
    private int cpu;

    @Override
    public Integer call() throws Exception {
        Prefix target = Prefix.parse(this.target);
        Sources sources = Sources.parse(this.sources);
        Prefix legit = this.legit == null ? null : Prefix.parse(this.legit);
        for (Prefix p : legit == null ? List.of(target, sources.base()) : List.of(target, sources.base(), legit)) {
            if (NamespaceNetwork.BENCHMARKING.stream().noneMatch(range -> range.contains(p))) {
                throw new IllegalArgumentException(p + " is outside the benchmarking ranges " + NamespaceNetwork.BENCHMARKING);
            }
        }
        Flood flood = Flood.of(sources, target, port, rate, count, Duration.ofMillis((long) (seconds * 1000)));
        if (legit != null) {
            flood = flood.withLegit(legit, share);
        }
        if (smooth) {
            flood = flood.smoothly();
        }
        try (FloodGenerator generator = FloodGenerator.load()) {
            FloodGenerator.Report report = generator.run(flood, new FloodGenerator.Egress(NetNamespace.named(netns), iface,
                    HexFormat.ofDelimiter(":").parseHex(mac), cpu),
                    p -> System.err.printf(Locale.ROOT, "\r%6.1f s  %,15d frames  %8.3f Mpps", p.elapsedNanos() / 1e9, p.sent(),
                            p.recentPps() / 1e6));
            System.err.println();
            System.out.printf(Locale.ROOT, "sent %,d frames in %.2f s: %.3f Mpps%n", report.sent(), report.elapsedNanos() / 1e9,
                    report.pps() / 1e6);
        }
        return 0;
    }
}

package io.synguard.cli;

import io.synguard.flowspec.Action;
import io.synguard.flowspec.Announcer;
import io.synguard.net.Family;
import io.synguard.net.Prefix;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.Option;

/** How blocks are announced upstream as BGP FlowSpec through gobgpd. */
final class FlowSpecOptions {
    @Option(names = "--flowspec-gobgp", paramLabel = "HOST:PORT",
            description = "Announce blocks as BGP FlowSpec rules (source prefix, TCP, SYN without ACK) through this"
                    + " gobgpd's gRPC API. Off unless given.")
    String gobgp;

    @Option(names = "--flowspec-action", defaultValue = "discard", paramLabel = "discard|rate-limit:BPS",
            description = "What routers do with the matching SYNs: drop them, or let BPS bytes per second through"
                    + " (default: ${DEFAULT-VALUE}).")
    String action;

    @Option(names = "--flowspec-max", defaultValue = "100", paramLabel = "N",
            description = "The most rules announced, widest and busiest first; the rest stay enforced here only"
                    + " (default: ${DEFAULT-VALUE}).")
    int max;

    @Option(names = "--flowspec-destination", split = ",", paramLabel = "PREFIX",
            description = "The protected prefix, at most one per family: the rules' destination, and never announced"
                    + " as a source. A family without one matches any destination.")
    List<String> destinations = List.of();

    @Option(names = "--flowspec-community", defaultValue = "64512:5180", paramLabel = "ASN:VALUE",
            description = "The BGP community that marks this host's paths in gobgpd, so that reconciling touches no"
                    + " other (default: ${DEFAULT-VALUE}).")
    String community;

    /** The announcer's options; null when --flowspec-gobgp is not given. */
    Announcer.Options options() {
        if (gobgp == null) {
            return null;
        }
        InetSocketAddress target = Listen.unresolved("--flowspec-gobgp", gobgp);
        if (target.getHostString().contains(":") && !gobgp.startsWith("[")) {
            throw new IllegalArgumentException("--flowspec-gobgp: an IPv6 host goes in brackets, [ADDRESS]:PORT, not " + gobgp);
        }
        if (target.getPort() == 0) {
            throw new IllegalArgumentException("--flowspec-gobgp: port 0 is no port to reach gobgpd on");
        }
        Map<Family, Prefix> protectedPrefixes = new EnumMap<>(Family.class);
        for (String d : destinations) {
            Prefix p = Prefix.parse(d);
            if (protectedPrefixes.put(p.family(), p) != null) {
                throw new IllegalArgumentException("--flowspec-destination takes one prefix per family, not two " + p.family());
            }
        }
        return new Announcer.Options(gobgp, Action.parse(action), max, protectedPrefixes, community(community),
                Duration.ofSeconds(30));
    }

    /** ASN:VALUE as a standard community (RFC 1997), both 16 bits. */
    static int community(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 2 || !parts[0].matches("\\d{1,5}") || !parts[1].matches("\\d{1,5}")
                || Integer.parseInt(parts[0]) > 0xffff || Integer.parseInt(parts[1]) > 0xffff) {
            throw new IllegalArgumentException("--flowspec-community is ASN:VALUE, each 0 to 65535, not " + text);
        }
        return Integer.parseInt(parts[0]) << 16 | Integer.parseInt(parts[1]);
    }
}

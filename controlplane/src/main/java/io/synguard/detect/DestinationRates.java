package io.synguard.detect;

import io.synguard.dataplane.VictimTable;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-destination SYN rates from successive reads of the victim table: each CPU's slot is compared
 * with the same slot at the previous read (the same holder, not handed on since, counts on; any
 * other counts from zero), and a destination's rate is its slots' sum over the CPUs. SYNs that found
 * their slot held by another destination are reported apart, as unattributed.
 */
public final class DestinationRates {
    /** The previous read, by CPU and slot. */
    private Map<Long, VictimTable.Slot> previous = Map.of();
    private Instant previousAt;

    /** Takes a read of the table made at at; the rates since the previous read. */
    public Destinations update(Instant at, List<VictimTable.Slot> read) {
        Map<Long, VictimTable.Slot> now = new HashMap<>();
        Map<Destination, Long> syns = new LinkedHashMap<>();
        long others = 0;
        for (VictimTable.Slot s : read) {
            long where = (long) s.cpu() << 32 | s.index();
            now.put(where, s);
            VictimTable.Slot before = previous.get(where);
            boolean same = before != null && before.takes() == s.takes();
            syns.merge(new Destination(s.address(), s.port()), same ? s.syns() - before.syns() : s.syns(), Long::sum);
            others += Math.max(0, s.others() - (before == null ? 0 : before.others()));
        }
        Destinations rates = Destinations.NONE;
        if (previousAt != null) {
            double seconds = Math.max(1e-3, Duration.between(previousAt, at).toNanos() / 1e9);
            List<DestinationRate> list = new ArrayList<>();
            syns.forEach((d, n) -> {
                if (n > 0) {
                    list.add(new DestinationRate(d.address(), d.port(), n / seconds));
                }
            });
            list.sort(Comparator.comparingDouble(DestinationRate::synPps).reversed());
            rates = new Destinations(List.copyOf(list), others / seconds);
        }
        previous = now;
        previousAt = at;
        return rates;
    }

    private record Destination(InetAddress address, int port) {}

    /**
     * @param address a local address
     * @param port    a local port
     * @param synPps  initial SYNs to it a second
     */
    public record DestinationRate(InetAddress address, int port, double synPps) {}

    /**
     * One interval's destinations.
     *
     * @param rates           highest SYN rate first
     * @param unattributedPps SYNs a second whose destination shared its slot with a busier one
     */
    public record Destinations(List<DestinationRate> rates, double unattributedPps) {
        public static final Destinations NONE = new Destinations(List.of(), 0);

        /** The busiest destination, or null when no SYN came. */
        public DestinationRate busiest() {
            return rates.isEmpty() ? null : rates.getFirst();
        }

        /** The n busiest ports, their SYN rates summed over the local addresses, busiest first. */
        public List<PortRate> busiestPorts(int n) {
            Map<Integer, Double> byPort = new HashMap<>();
            for (DestinationRate r : rates) {
                byPort.merge(r.port(), r.synPps(), Double::sum);
            }
            return byPort.entrySet().stream().map(e -> new PortRate(e.getKey(), e.getValue()))
                    .sorted(Comparator.comparingDouble(PortRate::synPps).reversed()
                            .thenComparingInt(PortRate::port)).limit(n).toList();
        }
    }

    /** SYNs a second to a local port, over every local address. */
    public record PortRate(int port, double synPps) {}
}

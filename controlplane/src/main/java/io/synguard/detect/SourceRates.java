package io.synguard.detect;

import io.synguard.dataplane.RateTable;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-source SYN and drop rates from successive reads of the rate table, whose counts run from a
 * source's admission: the difference between two reads over the time between them. A source that
 * came back after eviction, its counts restarted, counts from zero.
 */
public final class SourceRates {
    private Map<InetAddress, RateTable.Source> previous = Map.of();
    private Instant previousAt;

    /** Takes a read of the table made at at; the rates since the previous read, highest SYN rate first. */
    public List<SourceRate> update(Instant at, List<RateTable.Source> read) {
        Map<InetAddress, RateTable.Source> now = new HashMap<>(read.size() * 2);
        read.forEach(s -> now.put(s.address(), s));
        List<SourceRate> rates = new ArrayList<>();
        if (previousAt != null) {
            double seconds = Math.max(1e-3, Duration.between(previousAt, at).toNanos() / 1e9);
            for (RateTable.Source s : read) {
                RateTable.Source before = previous.get(s.address());
                long syns = before == null || before.syns() > s.syns() ? s.syns() : s.syns() - before.syns();
                long drops = before == null || before.drops() > s.drops() ? s.drops() : s.drops() - before.drops();
                if (syns > 0 || drops > 0) {
                    rates.add(new SourceRate(s.address(), syns / seconds, drops / seconds));
                }
            }
        }
        rates.sort(Comparator.comparingDouble(SourceRate::synPps).reversed());
        previous = now;
        previousAt = at;
        return rates;
    }

    /**
     * @param address    the source
     * @param synPps     its SYNs a second
     * @param droppedPps of which the rate limiter dropped
     */
    public record SourceRate(InetAddress address, double synPps, double droppedPps) {}
}

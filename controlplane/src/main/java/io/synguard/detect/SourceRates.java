package io.synguard.detect;

import io.synguard.dataplane.AddressCounts;
import io.synguard.dataplane.RateTable;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Per-source SYN and drop rates from successive reads of the rate table, whose counts run from a
 * source's admission: the difference between two reads over the time between them. A source that
 * came back after eviction, its counts restarted, counts from zero.
 */
public final class SourceRates {
    /** The previous read's counts, by address: no map entry and no object kept a source. */
    private AddressCounts previous = new AddressCounts(0);
    private Instant previousAt;

    /** Takes a read of the table made at at; the rates since the previous read, highest SYN rate first. */
    public List<SourceRate> update(Instant at, List<RateTable.Source> read) {
        AddressCounts now = new AddressCounts(read.size());
        List<SourceRate> rates = new ArrayList<>();
        double seconds = previousAt == null ? 0 : Math.max(1e-3, Duration.between(previousAt, at).toNanos() / 1e9);
        for (RateTable.Source s : read) {
            byte[] address = s.address().getAddress();
            long hi = AddressCounts.high(address);
            long lo = AddressCounts.low(address);
            now.add(hi, lo, s.syns(), s.drops(), s.cpus());
            if (previousAt == null) {
                continue;
            }
            int before = previous.find(hi, lo);
            long syns = before < 0 || previous.syns(before) > s.syns() ? s.syns() : s.syns() - previous.syns(before);
            long drops = before < 0 || previous.drops(before) > s.drops() ? s.drops() : s.drops() - previous.drops(before);
            if (syns > 0 || drops > 0) {
                rates.add(new SourceRate(s.address(), syns / seconds, drops / seconds));
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

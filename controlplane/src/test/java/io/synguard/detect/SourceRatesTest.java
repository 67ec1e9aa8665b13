package io.synguard.detect;

import io.synguard.dataplane.AddressCounts;
import io.synguard.dataplane.RateTable;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SourceRatesTest {
    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");
    private final SourceRates rates = new SourceRates();

    private static RateTable.Source source(String address, long syns, long drops) {
        return new RateTable.Source(InetAddress.ofLiteral(address), syns, drops, 1);
    }

    /** A read of the rate table that tracks these sources. */
    private static AddressCounts counts(RateTable.Source... sources) {
        AddressCounts c = new AddressCounts(sources.length);
        for (RateTable.Source s : sources) {
            byte[] a = s.address().getAddress();
            c.add(AddressCounts.high(a), AddressCounts.low(a), s.syns(), s.drops(), s.cpus());
        }
        return c;
    }

    @Test
    void theFirstReadGivesNoRates() {
        assertEquals(List.of(), rates.update(T0, counts(source("198.18.1.7", 500, 100))));
    }

    @Test
    void ratesAreTheDifferenceOverTheTimeBetweenReads() {
        rates.update(T0, counts(source("198.18.1.7", 500, 100)));
        List<SourceRates.SourceRate> r = rates.update(T0.plusMillis(500),
                counts(source("198.18.1.7", 1500, 600)));

        assertEquals(List.of(new SourceRates.SourceRate(InetAddress.ofLiteral("198.18.1.7"), 2000, 1000)), r);
    }

    @Test
    void aNewSourceOrOneWhoseCountsRestartedCountsFromZero() {
        rates.update(T0, counts(source("198.18.1.7", 5000, 4000)));
        List<SourceRates.SourceRate> r = rates.update(T0.plusSeconds(1),
                counts(source("198.18.1.7", 30, 0), source("198.18.1.8", 20, 5)));

        assertEquals(List.of(new SourceRates.SourceRate(InetAddress.ofLiteral("198.18.1.7"), 30, 0),
                new SourceRates.SourceRate(InetAddress.ofLiteral("198.18.1.8"), 20, 5)), r);
    }

    @Test
    void quietSourcesAreLeftOutAndTheRestComeHighestFirst() {
        rates.update(T0, counts(source("198.18.1.1", 10, 0), source("198.18.1.2", 10, 0), source("198.18.1.3", 10, 0)));
        List<SourceRates.SourceRate> r = rates.update(T0.plusSeconds(1),
                counts(source("198.18.1.1", 20, 0), source("198.18.1.2", 10, 0), source("198.18.1.3", 910, 0)));

        assertEquals(List.of(InetAddress.ofLiteral("198.18.1.3"), InetAddress.ofLiteral("198.18.1.1")),
                r.stream().map(SourceRates.SourceRate::address).toList());
    }

    @Test
    void aSourceIsFoundWhereverThePreviousReadHoldsIt() {
        // the same home: the previous read holds .1 then .2 in its first two slots, this one .2 then .1
        AddressCounts before = new AddressCounts(2);
        AddressCounts after = new AddressCounts(2);
        byte[] one = InetAddress.ofLiteral("198.18.1.1").getAddress();
        byte[] two = InetAddress.ofLiteral("198.18.1.2").getAddress();
        before.add(0, AddressCounts.high(one), AddressCounts.low(one), 100, 0, 1);
        before.add(0, AddressCounts.high(two), AddressCounts.low(two), 1000, 0, 1);
        after.add(0, AddressCounts.high(two), AddressCounts.low(two), 1030, 0, 1);
        after.add(0, AddressCounts.high(one), AddressCounts.low(one), 120, 0, 1);
        rates.update(T0, before);
        List<SourceRates.SourceRate> r = rates.update(T0.plusSeconds(1), after);

        assertEquals(List.of(new SourceRates.SourceRate(InetAddress.ofLiteral("198.18.1.2"), 30, 0),
                new SourceRates.SourceRate(InetAddress.ofLiteral("198.18.1.1"), 20, 0)), r);
    }
}

package io.synguard.detect;

import io.synguard.dataplane.VictimTable.Slot;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Per-destination rates from the victim table's slots, read after read. */
class DestinationRatesTest {
    private static final Instant T0 = Instant.parse("2026-12-01T12:00:00Z");
    private static final InetAddress WEB = InetAddress.ofLiteral("198.18.0.1");
    private static final InetAddress MAIL = InetAddress.ofLiteral("2001:2:0:0:0:0:0:1");

    private final DestinationRates rates = new DestinationRates();

    private static Slot slot(int cpu, int index, InetAddress address, int port, int takes, long syns, long others) {
        return new Slot(cpu, index, address, port, takes, syns, others);
    }

    private static DestinationRates.DestinationRate rate(InetAddress address, int port, double synPps) {
        return new DestinationRates.DestinationRate(address, port, synPps);
    }

    @Test
    void theFirstReadHasNoRates() {
        DestinationRates.Destinations d = rates.update(T0, List.of(slot(0, 3, WEB, 80, 1, 500, 0)));
        assertEquals(List.of(), d.rates());
        assertNull(d.busiest());
    }

    @Test
    void aDestinationsRateIsItsSlotsDifferenceSummedOverCpus() {
        rates.update(T0, List.of(slot(0, 3, WEB, 80, 1, 500, 0), slot(1, 3, WEB, 80, 1, 100, 0),
                slot(0, 9, MAIL, 25, 1, 10, 0)));
        DestinationRates.Destinations d = rates.update(T0.plusSeconds(2), List.of(slot(0, 3, WEB, 80, 1, 2500, 0),
                slot(1, 3, WEB, 80, 1, 300, 0), slot(0, 9, MAIL, 25, 1, 30, 0)));
        assertEquals(List.of(rate(WEB, 80, 1100), rate(MAIL, 25, 10)), d.rates());
        assertEquals(rate(WEB, 80, 1100), d.busiest());
    }

    @Test
    void aSlotThatChangedHandsCountsItsNewHolderFromZero() {
        rates.update(T0, List.of(slot(0, 3, WEB, 80, 1, 5000, 0)));
        DestinationRates.Destinations d = rates.update(T0.plusSeconds(1), List.of(slot(0, 3, MAIL, 25, 2, 40, 7)));
        assertEquals(List.of(rate(MAIL, 25, 40)), d.rates());
        assertEquals(7, d.unattributedPps());
    }

    @Test
    void theSameHolderTakingItsSlotBackCountsFromZeroToo() {
        rates.update(T0, List.of(slot(0, 3, WEB, 80, 1, 5000, 0)));
        DestinationRates.Destinations d = rates.update(T0.plusSeconds(1), List.of(slot(0, 3, WEB, 80, 3, 6000, 0)));
        assertEquals(List.of(rate(WEB, 80, 6000)), d.rates());
    }

    @Test
    void synsToOthersThatFoundTheSlotHeldAreUnattributed() {
        rates.update(T0, List.of(slot(0, 3, WEB, 80, 1, 5000, 100), slot(1, 4, MAIL, 25, 1, 5, 0)));
        DestinationRates.Destinations d = rates.update(T0.plusSeconds(1),
                List.of(slot(0, 3, WEB, 80, 1, 5000, 350), slot(1, 4, MAIL, 25, 1, 5, 50)));
        assertEquals(List.of(), d.rates(), "no SYN reached a holder");
        assertEquals(300, d.unattributedPps());
    }

    @Test
    void theBusiestPortsSumTheirAddressesAndStopAtN() {
        DestinationRates.Destinations d = new DestinationRates.Destinations(List.of(rate(WEB, 80, 100),
                rate(MAIL, 443, 70), rate(WEB, 443, 60), rate(MAIL, 25, 5)), 0);
        assertEquals(List.of(new DestinationRates.PortRate(443, 130), new DestinationRates.PortRate(80, 100)),
                d.busiestPorts(2));
    }
}

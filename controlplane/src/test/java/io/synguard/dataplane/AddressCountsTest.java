package io.synguard.dataplane;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AddressCountsTest {
    private static void add(AddressCounts c, String address, long syns, long drops) {
        byte[] b = InetAddress.ofLiteral(address).getAddress();
        c.add(AddressCounts.high(b), AddressCounts.low(b), syns, drops, 1);
    }

    private static int find(AddressCounts c, String address) {
        byte[] b = InetAddress.ofLiteral(address).getAddress();
        return c.find(AddressCounts.high(b), AddressCounts.low(b));
    }

    @Test
    void countsAreSummedPerAddressAcrossGrowthAndComeBackAsTheirAddresses() {
        AddressCounts c = new AddressCounts(0);
        for (int i = 0; i < 5_000; i++) {
            add(c, "198.18." + (i >> 8) + "." + (i & 255), 10, 1);
        }
        add(c, "198.18.0.7", 5, 5);
        add(c, "2001:2::7", 3, 0);

        assertEquals(5_001, c.size());
        assertEquals(15, c.syns(find(c, "198.18.0.7")));
        assertEquals(6, c.drops(find(c, "198.18.0.7")));
        assertEquals(3, c.syns(find(c, "2001:2::7")));
        assertEquals(-1, find(c, "198.19.0.1"));
        List<RateTable.Source> sources = c.sources();
        assertEquals(new RateTable.Source(InetAddress.ofLiteral("198.18.0.7"), 15, 6, 2), sources.stream()
                .filter(s -> s.address().equals(InetAddress.ofLiteral("198.18.0.7"))).findFirst().orElseThrow());
        assertEquals(1, sources.stream().filter(s -> s.address().equals(InetAddress.ofLiteral("2001:2::7"))).count());
    }

    @Test
    void anIpv4AddressKeysAsItsMappedIpv6Form() {
        byte[] v4 = InetAddress.ofLiteral("198.18.0.7").getAddress();
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 198, 18, 0, 7};
        assertEquals(AddressCounts.high(mapped), AddressCounts.high(v4));
        assertEquals(AddressCounts.low(mapped), AddressCounts.low(v4));
        assertEquals(InetAddress.ofLiteral("198.18.0.7"), AddressCounts.address(AddressCounts.high(v4), AddressCounts.low(v4)));
    }

    @Test
    void addressesGivenAHomeAreFoundThereAndLieInTheOrderOfTheirHomes() {
        AddressCounts c = new AddressCounts(0);
        int n = 3_000; // past several doublings
        for (int i = 0; i < n; i++) {
            int home = (int) (((long) i << 32) / n); // ascending over the 32 bits, as the rate table's sets are
            c.add(home, 0, 0xffff_0000_0000L | i, 1, 0, 1);
            c.add(home, 0, 0xffff_0000_0000L | i, 2, 1, 1); // the same source on another CPU
        }
        assertEquals(n, c.size());
        long last = -1;
        for (int slot = 0; slot < c.capacity(); slot++) {
            if (c.holds(slot)) {
                assertEquals(3, c.syns(slot));
                assertEquals(Integer.toUnsignedLong(c.homeAt(slot)), Integer.toUnsignedLong(
                        (int) (((c.lowAt(slot) & 0xffff_ffffL) << 32) / n)));
                assertEquals(last + 1, c.lowAt(slot) & 0xffff_ffffL, "in the order of their homes");
                last = c.lowAt(slot) & 0xffff_ffffL;
            }
        }
        int slot = c.find((int) ((7L << 32) / n), 0, 0xffff_0000_0007L);
        assertEquals(3, c.syns(slot));
        assertEquals(1, c.drops(slot));
    }
}

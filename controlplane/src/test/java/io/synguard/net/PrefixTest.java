package io.synguard.net;

import java.net.InetAddress;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrefixTest {
    @ParameterizedTest
    @CsvSource({
            "198.18.1.7/24, 198.18.1.0/24",
            "198.18.1.7, 198.18.1.7/32",
            "198.18.1.7/32, 198.18.1.7/32",
            "0.0.0.0/0, 0.0.0.0/0",
            "255.255.255.255/1, 128.0.0.0/1",
            "198.18.255.255/15, 198.18.0.0/15",
            "' 198.18.0.1/16 ', 198.18.0.0/16",
            "2001:2::1, 2001:2::1/128",
            "2001:2:0:1::7/64, 2001:2:0:1::/64",
            "2001:0002:0000:0000:0000:0000:0000:0001/48, 2001:2::/48",
            "2001:DB8:0:0:1:0:0:1/128, 2001:db8::1:0:0:1/128",
            "::/0, ::/0",
            "::1, ::1/128",
            "fe80::/10, fe80::/10",
            "2001:db8:0:0:0:0:2:1/128, 2001:db8::2:1/128",
            "2001:db8:0:1:1:1:1:1/128, 2001:db8:0:1:1:1:1:1/128",
    })
    void canonicalForm(String input, String canonical) {
        assertEquals(canonical, Prefix.parse(input).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "300.1.1.1/8", "10.0.0.0/33", "::1/129", "10.0.0/8", "10.0.0.0.0/8",
            "10.0.0.01/32", "10..0.1", "10.0.0.1/", "10.0.0.1/-1", "10.0.0.1/1e1", "10.0.0.1/ 8", "a.b.c.d",
            "example.com", "2001:db8::1%eth0", "2001:db8::1/64/64", "::ffff:198.18.0.1", ":::1", "1.2.3.4/0032"})
    void rejectsWithAReason(String input) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Prefix.parse(input));
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void nullIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse(null));
    }

    @Test
    void equalityIsByValue() {
        assertEquals(Prefix.parse("198.18.1.7/24"), Prefix.parse("198.18.1.0/24"));
        assertEquals(Prefix.parse("198.18.1.7/24").hashCode(), Prefix.parse("198.18.1.0/24").hashCode());
        assertNotEquals(Prefix.parse("198.18.1.0/24"), Prefix.parse("198.18.1.0/25"));
        assertNotEquals(Prefix.parse("::/0"), Prefix.parse("0.0.0.0/0"));
    }

    @Test
    void containment() {
        Prefix p16 = Prefix.parse("198.18.0.0/16");
        assertTrue(p16.contains(Prefix.parse("198.18.5.0/24")));
        assertTrue(p16.contains(p16));
        assertFalse(p16.contains(Prefix.parse("198.0.0.0/8")));
        assertFalse(p16.contains(Prefix.parse("198.19.0.1")));
        assertFalse(p16.contains(Prefix.parse("2001:2::/48")));
        assertTrue(Prefix.parse("::/0").contains(Prefix.parse("2001:2::1")));
        assertTrue(Prefix.parse("0.0.0.0/0").contains(Prefix.parse("198.18.0.1")));
    }

    @Test
    void truncation() {
        assertEquals(Prefix.parse("198.18.0.0/16"), Prefix.parse("198.18.7.9").truncate(16));
        assertEquals(Prefix.parse("2001:2::/32"), Prefix.parse("2001:2:0:9::1/64").truncate(32));
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse("198.18.0.0/16").truncate(24));
    }

    @Test
    void hostOfAnAddress() {
        assertEquals("198.18.0.9/32", Prefix.host(InetAddress.ofLiteral("198.18.0.9")).toString());
        assertEquals("2001:2::9/128", Prefix.host(InetAddress.ofLiteral("2001:2::9")).toString());
    }

    @Test
    void ordersV4BeforeV6ThenByAddressThenLength() {
        List<String> sorted = List.of("2001:2::/48", "198.18.1.0/24", "198.18.0.0/16", "198.18.0.0/15", "10.0.0.0/8")
                .stream().map(Prefix::parse).sorted().map(Prefix::toString).collect(Collectors.toList());
        assertEquals(List.of("10.0.0.0/8", "198.18.0.0/15", "198.18.0.0/16", "198.18.1.0/24", "2001:2::/48"), sorted);
    }

    @Test
    void addressIsACopy() {
        Prefix p = Prefix.parse("198.18.0.1");
        p.address()[0] = 1;
        assertEquals("198.18.0.1/32", p.toString());
    }
}

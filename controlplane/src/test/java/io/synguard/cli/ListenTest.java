package io.synguard.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.synguard.cli.Refused.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ListenTest {
    @Test
    void ipv4HostAndPort() throws Exception {
        InetSocketAddress a = Listen.parse("127.0.0.1:9780");
        assertEquals(InetAddress.getByName("127.0.0.1"), a.getAddress());
        assertEquals(9780, a.getPort());
    }

    @Test
    void bracketedIpv6Host() throws Exception {
        InetSocketAddress a = Listen.parse("[::1]:9780");
        assertEquals(InetAddress.getByName("::1"), a.getAddress());
        assertEquals(9780, a.getPort());
    }

    @Test
    void portZeroAndPort65535AreInRange() {
        assertEquals(0, Listen.parse("0.0.0.0:0").getPort());
        assertEquals(65535, Listen.parse("0.0.0.0:65535").getPort());
    }

    @ParameterizedTest
    @ValueSource(strings = {"9780", "127.0.0.1", ":9780", "127.0.0.1:", ""})
    void withoutHostOrPortItAsksForHostColonPort(String text) {
        assertRefused("HOST:PORT", () -> Listen.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:http", "127.0.0.1:97 80", "[::1]"})
    void aPortThatIsNotANumberIsNamed(String text) {
        assertRefused("is not a port", () -> Listen.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:65536", "127.0.0.1:-1", "[::1]:100000"})
    void aPortOutOfRangeIsRefused(String text) {
        assertRefused("out of range", () -> Listen.parse(text));
    }
}

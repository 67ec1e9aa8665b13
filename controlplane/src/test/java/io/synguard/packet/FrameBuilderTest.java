package io.synguard.packet;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FrameBuilderTest {
    @Test
    void ipv4SynHasValidChecksumsAndLengths() {
        byte[] f = FrameBuilder.tcp("198.18.0.2", "198.18.0.1").ports(1234, 80).build();
        assertEquals(14 + 20 + 20, f.length);
        ByteBuffer b = ByteBuffer.wrap(f);
        assertEquals(0x0800, b.getShort(12) & 0xffff);
        assertEquals(0x45, f[14]);
        assertEquals(40, b.getShort(16));
        assertEquals(0, Checksum.of(f, 14, 34, 0), "IPv4 header checksum");
        int pseudo = Checksum.sum(f, 26, 34, 0) + 6 + 20;
        assertEquals(0, Checksum.of(f, 34, f.length, pseudo), "TCP checksum");
        assertEquals(FrameBuilder.SYN, f[34 + 13]);
        assertEquals(5 << 4, f[34 + 12] & 0xf0);
        assertEquals(1234, b.getShort(34) & 0xffff);
    }

    @Test
    void ipv6SynHasAValidChecksumAndPayloadLength() {
        byte[] f = FrameBuilder.tcp("2001:2::2", "2001:2::1").build();
        ByteBuffer b = ByteBuffer.wrap(f);
        assertEquals(0x86dd, b.getShort(12) & 0xffff);
        assertEquals(20, b.getShort(14 + 4));
        assertEquals(6, f[14 + 6]);
        int pseudo = Checksum.sum(f, 22, 54, 0) + 6 + 20;
        assertEquals(0, Checksum.of(f, 54, f.length, pseudo), "TCP checksum over the IPv6 pseudo-header");
    }

    @Test
    void vlanTagsComeOutermostFirst() {
        byte[] f = FrameBuilder.tcp("198.18.0.2", "198.18.0.1").vlan(FrameBuilder.TPID_8021AD, 10)
                .vlan(FrameBuilder.TPID_8021Q, 20).build();
        ByteBuffer b = ByteBuffer.wrap(f);
        assertEquals(0x88a8, b.getShort(12) & 0xffff);
        assertEquals(10, b.getShort(14));
        assertEquals(0x8100, b.getShort(16) & 0xffff);
        assertEquals(20, b.getShort(18));
        assertEquals(0x0800, b.getShort(20) & 0xffff);
    }

    @Test
    void ipv6ExtensionHeadersChainTheirNextHeaders() {
        byte[] f = FrameBuilder.tcp("2001:2::2", "2001:2::1").ipv6Header(FrameBuilder.IPPROTO_HOPOPTS, new byte[6])
                .fragment(0, true).build();
        assertEquals(FrameBuilder.IPPROTO_HOPOPTS, f[14 + 6]);
        assertEquals(FrameBuilder.IPPROTO_FRAGMENT, f[54]);
        assertEquals(0, f[55]);
        assertEquals(FrameBuilder.IPPROTO_TCP, f[62]);
        assertEquals(1, f[62 + 3] & 1, "more fragments");
        assertEquals(8 + 8 + 20, ByteBuffer.wrap(f).getShort(18));
    }

    @Test
    void authenticationHeaderLengthIsInFourByteUnits() {
        byte[] f = FrameBuilder.tcp("2001:2::2", "2001:2::1").ipv6Header(FrameBuilder.IPPROTO_AH, new byte[22]).build();
        assertEquals(24 / 4 - 2, f[55]);
    }

    @Test
    void ipv4OptionsGrowTheHeader() {
        byte[] f = FrameBuilder.tcp("198.18.0.2", "198.18.0.1").ipv4Options(new byte[]{1, 1, 1}).build();
        assertEquals(0x46, f[14]);
        assertEquals(0, Checksum.of(f, 14, 38, 0));
    }

    @Test
    void fieldsCanLie() {
        byte[] f = FrameBuilder.tcp("198.18.0.2", "198.18.0.1").ihl(4).doff(3).totalLength(16).build();
        assertEquals(0x44, f[14]);
        assertEquals(3 << 4, f[34 + 12] & 0xf0);
        assertEquals(16, ByteBuffer.wrap(f).getShort(16));
    }

    @Test
    void truncateAndPad() {
        assertEquals(20, FrameBuilder.tcp("198.18.0.2", "198.18.0.1").truncate(20).build().length);
        assertEquals(9000, FrameBuilder.tcp("198.18.0.2", "198.18.0.1").padTo(9000).build().length);
    }

    @Test
    void otherEthertypes() {
        byte[] arp = FrameBuilder.ethernet(FrameBuilder.ETH_ARP, new byte[28]);
        assertEquals(42, arp.length);
        assertArrayEquals(new byte[]{0x08, 0x06}, new byte[]{arp[12], arp[13]});
    }

    @Test
    void mixedFamiliesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> FrameBuilder.tcp("198.18.0.2", "2001:2::1"));
        assertThrows(IllegalArgumentException.class, () -> FrameBuilder.tcp("host.example", "198.18.0.1"));
    }
}

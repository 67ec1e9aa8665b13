package io.synguard.flood;

import io.synguard.net.Family;
import io.synguard.packet.Checksum;
import io.synguard.packet.FrameBuilder;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The frame the generator rewrites, and its checksums with the fields it rewrites zeroed. A
 * 60-byte IPv4 SYN (the Ethernet minimum) or a 74-byte IPv6 SYN, no options.
 */
record Template(byte[] frame, int ipSum, int tcpSum) {
    static final int ETH = 14;
    static final int MIN_FRAME = 60;

    static Template of(Flood flood, byte[] destinationMac, byte[] sourceMac) {
        if (destinationMac.length != 6 || sourceMac.length != 6) {
            throw new IllegalArgumentException("MAC addresses have 6 bytes");
        }
        byte[] frame = FrameBuilder.tcp(flood.sources().base().addressText(), flood.target().addressText())
                .ports(1024, flood.port()).padTo(MIN_FRAME).build();
        System.arraycopy(destinationMac, 0, frame, 0, 6);
        System.arraycopy(sourceMac, 0, frame, 6, 6);
        return flood.target().family() == Family.V4 ? ipv4(frame) : ipv6(frame);
    }

    private static Template ipv4(byte[] frame) {
        byte[] ip = Arrays.copyOfRange(frame, ETH, ETH + 20);
        zero(ip, 10, 2);    // check
        zero(ip, 12, 4);    // saddr
        int tcpLength = ((frame[ETH + 2] & 0xff) << 8 | frame[ETH + 3] & 0xff) - 20;
        byte[] tcp = Arrays.copyOfRange(frame, ETH + 20, ETH + 20 + tcpLength);
        ByteBuffer pseudo = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN);
        pseudo.putInt(0).put(frame, ETH + 16, 4).put((byte) 0).put((byte) FrameBuilder.IPPROTO_TCP).putShort((short) tcpLength);
        return new Template(frame, Checksum.sum(ip), Checksum.fold(Checksum.sum(pseudo.array()) + Checksum.sum(zeroTcp(tcp))));
    }

    private static Template ipv6(byte[] frame) {
        int tcpLength = (frame[ETH + 4] & 0xff) << 8 | frame[ETH + 5] & 0xff;
        byte[] tcp = Arrays.copyOfRange(frame, ETH + 40, ETH + 40 + tcpLength);
        ByteBuffer pseudo = ByteBuffer.allocate(40).order(ByteOrder.BIG_ENDIAN);
        pseudo.put(new byte[16]).put(frame, ETH + 24, 16).putInt(tcpLength).putInt(FrameBuilder.IPPROTO_TCP);
        return new Template(frame, 0, Checksum.fold(Checksum.sum(pseudo.array()) + Checksum.sum(zeroTcp(tcp))));
    }

    private static byte[] zeroTcp(byte[] tcp) {
        zero(tcp, 0, 2);    // source port
        zero(tcp, 16, 2);   // check
        return tcp;
    }

    private static void zero(byte[] b, int from, int length) {
        Arrays.fill(b, from, from + length, (byte) 0);
    }
}

package io.synguard.packet;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds Ethernet frames the way a wire would carry them, with valid checksums, and also the ways it
 * should not (truncated, with impossible header lengths): for data-plane tests, the self-check and
 * benchmarks. Addresses are literals; IPv4 or IPv6 follows from the form.
 */
public final class FrameBuilder {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    public static final int TPID_8021Q = 0x8100;
    public static final int TPID_8021AD = 0x88a8;
    public static final int ETH_IPV4 = 0x0800;
    public static final int ETH_IPV6 = 0x86dd;
    public static final int ETH_ARP = 0x0806;

    public static final int IPPROTO_HOPOPTS = 0;
    public static final int IPPROTO_ICMP = 1;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_ROUTING = 43;
    public static final int IPPROTO_FRAGMENT = 44;
    public static final int IPPROTO_AH = 51;
    public static final int IPPROTO_ICMPV6 = 58;
    public static final int IPPROTO_DSTOPTS = 60;

    private static final byte[] DST_MAC = {0x02, 0, 0, 0, 0, 0x02};
    private static final byte[] SRC_MAC = {0x02, 0, 0, 0, 0, 0x01};

    private final InetAddress src;
    private final InetAddress dst;
    private final int protocol;
    private final List<int[]> vlans = new ArrayList<>();
    private final List<byte[]> ipv6Headers = new ArrayList<>();
    private final List<Integer> ipv6Types = new ArrayList<>();
    private int srcPort = 40000;
    private int dstPort = 80;
    private int flags = SYN;
    private byte[] tcpOptions = new byte[0];
    private byte[] payload = new byte[0];
    private byte[] ipv4Options = new byte[0];
    private Integer doff;
    private Integer ihl;
    private Integer totalLength;
    private int fragmentOffset;
    private boolean moreFragments;
    private int truncateTo = -1;
    private int padTo = -1;

    private FrameBuilder(String src, String dst, int protocol) {
        this.src = literal(src);
        this.dst = literal(dst);
        if (this.src.getClass() != this.dst.getClass()) {
            throw new IllegalArgumentException("mixed address families: " + src + " -> " + dst);
        }
        this.protocol = protocol;
    }

    /** A TCP segment, a SYN unless {@link #flags} says otherwise. */
    public static FrameBuilder tcp(String src, String dst) {
        return new FrameBuilder(src, dst, IPPROTO_TCP);
    }

    public static FrameBuilder udp(String src, String dst) {
        return new FrameBuilder(src, dst, IPPROTO_UDP);
    }

    /** An echo request: ICMP for IPv4, ICMPv6 for IPv6. */
    public static FrameBuilder icmp(String src, String dst) {
        FrameBuilder b = new FrameBuilder(src, dst, IPPROTO_ICMP);
        return b.v6() ? new FrameBuilder(src, dst, IPPROTO_ICMPV6) : b;
    }

    /** A frame of another ethertype, e.g. {@link #ETH_ARP}, with the given payload. */
    public static byte[] ethernet(int ethertype, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
        b.put(DST_MAC).put(SRC_MAC).putShort((short) ethertype).put(payload);
        return b.array();
    }

    public FrameBuilder flags(int tcpFlags) {
        this.flags = tcpFlags;
        return this;
    }

    public FrameBuilder ports(int source, int destination) {
        this.srcPort = source;
        this.dstPort = destination;
        return this;
    }

    /** TCP options, padded with NOPs to a multiple of 4. */
    public FrameBuilder tcpOptions(byte[] options) {
        int padded = (options.length + 3) & ~3;
        this.tcpOptions = Arrays.copyOf(options, padded);
        Arrays.fill(this.tcpOptions, options.length, padded, (byte) 1);
        return this;
    }

    /** The TCP data offset as written, whatever the header really holds. */
    public FrameBuilder doff(int words) {
        this.doff = words;
        return this;
    }

    public FrameBuilder payload(byte[] data) {
        this.payload = data.clone();
        return this;
    }

    /** A VLAN tag, outermost first: tpid {@link #TPID_8021Q} or {@link #TPID_8021AD}. */
    public FrameBuilder vlan(int tpid, int vid) {
        vlans.add(new int[]{tpid, vid});
        return this;
    }

    /** IPv4 options, padded with end-of-list to a multiple of 4. */
    public FrameBuilder ipv4Options(byte[] options) {
        this.ipv4Options = Arrays.copyOf(options, (options.length + 3) & ~3);
        return this;
    }

    /** The IPv4 header length field as written, whatever the header really holds. */
    public FrameBuilder ihl(int words) {
        this.ihl = words;
        return this;
    }

    /** The IPv4 total length or IPv6 payload length as written. */
    public FrameBuilder totalLength(int length) {
        this.totalLength = length;
        return this;
    }

    /** Marks the datagram a fragment: offset in 8-byte units, and whether more follow. */
    public FrameBuilder fragment(int offset8, boolean more) {
        if (v6()) {
            byte[] h = new byte[6];
            h[0] = (byte) (offset8 >> 5);
            h[1] = (byte) ((offset8 << 3) | (more ? 1 : 0));
            h[5] = 1; // identification
            return ipv6Header(IPPROTO_FRAGMENT, h);
        }
        this.fragmentOffset = offset8;
        this.moreFragments = more;
        return this;
    }

    /**
     * An IPv6 extension header before the transport header, in order. body follows the next-header
     * and length bytes; the length byte is computed (in 8-byte units, or AH's 4-byte units).
     */
    public FrameBuilder ipv6Header(int type, byte[] body) {
        if (!v6()) {
            throw new IllegalStateException("IPv6 extension header on an IPv4 frame");
        }
        int unit = type == IPPROTO_AH ? 4 : 8;
        int total = type == IPPROTO_FRAGMENT ? 8 : Math.max(8, (body.length + 2 + unit - 1) / unit * unit);
        byte[] header = Arrays.copyOf(new byte[2], total);
        System.arraycopy(body, 0, header, 2, body.length);
        if (type != IPPROTO_FRAGMENT) {
            header[1] = (byte) (type == IPPROTO_AH ? total / 4 - 2 : total / 8 - 1);
        }
        ipv6Headers.add(header);
        ipv6Types.add(type);
        return this;
    }

    /** Cuts the finished frame to length bytes. */
    public FrameBuilder truncate(int length) {
        this.truncateTo = length;
        return this;
    }

    /** Pads the finished frame with zeros to length bytes (a jumbo frame, say). */
    public FrameBuilder padTo(int length) {
        this.padTo = length;
        return this;
    }

    public byte[] build() {
        byte[] l4 = transport();
        byte[] l3 = v6() ? ipv6(l4) : ipv4(l4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(DST_MAC);
        out.writeBytes(SRC_MAC);
        for (int[] tag : vlans) {
            out.writeBytes(short16(tag[0]));
            out.writeBytes(short16(tag[1] & 0xfff));
        }
        out.writeBytes(short16(v6() ? ETH_IPV6 : ETH_IPV4));
        out.writeBytes(l3);
        byte[] frame = out.toByteArray();
        if (padTo > frame.length) {
            frame = Arrays.copyOf(frame, padTo);
        }
        if (truncateTo >= 0) {
            frame = Arrays.copyOf(frame, Math.min(truncateTo, frame.length));
        }
        return frame;
    }

    private boolean v6() {
        return !(src instanceof Inet4Address);
    }

    private byte[] transport() {
        return switch (protocol) {
            case IPPROTO_TCP -> tcp();
            case IPPROTO_UDP -> {
                ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
                b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length)).putShort((short) 0);
                b.put(payload);
                yield checksummed(b.array(), 6);
            }
            default -> {
                ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
                b.put((byte) (protocol == IPPROTO_ICMPV6 ? 128 : 8)).put((byte) 0).putShort((short) 0);
                b.putShort((short) 1).putShort((short) 1).put(payload);
                yield protocol == IPPROTO_ICMPV6 ? checksummed(b.array(), 2) : withChecksum(b.array(), 2, 0);
            }
        };
    }

    private byte[] tcp() {
        int headerLength = 20 + tcpOptions.length;
        ByteBuffer b = ByteBuffer.allocate(headerLength + payload.length);
        b.putShort((short) srcPort).putShort((short) dstPort).putInt(0x1000).putInt(flags == SYN ? 0 : 0x2000);
        int offset = doff != null ? doff : headerLength / 4;
        b.put((byte) (offset << 4)).put((byte) flags).putShort((short) 64240).putShort((short) 0).putShort((short) 0);
        b.put(tcpOptions).put(payload);
        return checksummed(b.array(), 16);
    }

    private byte[] ipv4(byte[] l4) {
        int headerLength = 20 + ipv4Options.length;
        ByteBuffer b = ByteBuffer.allocate(headerLength + l4.length);
        int words = ihl != null ? ihl : headerLength / 4;
        b.put((byte) (0x40 | (words & 0xf))).put((byte) 0);
        b.putShort((short) (totalLength != null ? totalLength : headerLength + l4.length));
        b.putShort((short) 1).putShort((short) ((moreFragments ? 0x2000 : 0) | (fragmentOffset & 0x1fff)));
        b.put((byte) 64).put((byte) protocol).putShort((short) 0);
        b.put(src.getAddress()).put(dst.getAddress()).put(ipv4Options).put(l4);
        byte[] packet = b.array();
        int sum = Checksum.of(packet, 0, headerLength, 0);
        packet[10] = (byte) (sum >> 8);
        packet[11] = (byte) sum;
        return packet;
    }

    private byte[] ipv6(byte[] l4) {
        int extLength = ipv6Headers.stream().mapToInt(h -> h.length).sum();
        ByteBuffer b = ByteBuffer.allocate(40 + extLength + l4.length);
        b.putInt(0x60000000);
        b.putShort((short) (totalLength != null ? totalLength : extLength + l4.length));
        b.put((byte) (ipv6Types.isEmpty() ? protocol : ipv6Types.getFirst())).put((byte) 64);
        b.put(src.getAddress()).put(dst.getAddress());
        for (int i = 0; i < ipv6Headers.size(); i++) {
            byte[] h = ipv6Headers.get(i).clone();
            h[0] = (byte) (i + 1 < ipv6Types.size() ? ipv6Types.get(i + 1) : protocol);
            b.put(h);
        }
        b.put(l4);
        return b.array();
    }

    /** l4 with its checksum, pseudo-header included, at offset at. */
    private byte[] checksummed(byte[] l4, int at) {
        int pseudo = Checksum.sum(src.getAddress()) + Checksum.sum(dst.getAddress()) + protocol + l4.length;
        return withChecksum(l4, at, pseudo);
    }

    private static byte[] withChecksum(byte[] data, int at, int initial) {
        int sum = Checksum.of(data, 0, data.length, initial);
        data[at] = (byte) (sum >> 8);
        data[at + 1] = (byte) sum;
        return data;
    }

    private static byte[] short16(int v) {
        return new byte[]{(byte) (v >> 8), (byte) v};
    }

    private static InetAddress literal(String address) {
        try {
            return InetAddress.ofLiteral(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an address literal: " + address, e);
        }
    }
}

package io.synguard.dataplane;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An independent model of synguard's SYN cookie and SYN-ACK, written from the description in
 * dataplane-bpf/src/cookie.h and synack.h, not from their code: the tests hold the data plane's frames
 * against it byte for byte, checksums included.
 */
final class SynCookies {
    static final int WS_NONE = 0xf;

    private SynCookies() {}

    /** SipHash-1-3 of 64-bit words. */
    static long siphash13(long k0, long k1, long... m) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        long[] v = {v0, v1, v2, v3};
        for (long w : m) {
            v[3] ^= w;
            round(v);
            v[0] ^= w;
        }
        long b = (long) (m.length * 8) << 56;
        v[3] ^= b;
        round(v);
        v[0] ^= b;
        v[2] ^= 0xff;
        round(v);
        round(v);
        round(v);
        return v[0] ^ v[1] ^ v[2] ^ v[3];
    }

    private static void round(long[] v) {
        v[0] += v[1];
        v[1] = Long.rotateLeft(v[1], 13);
        v[1] ^= v[0];
        v[0] = Long.rotateLeft(v[0], 32);
        v[2] += v[3];
        v[3] = Long.rotateLeft(v[3], 16);
        v[3] ^= v[2];
        v[0] += v[3];
        v[3] = Long.rotateLeft(v[3], 21);
        v[3] ^= v[0];
        v[2] += v[1];
        v[1] = Long.rotateLeft(v[1], 17);
        v[1] ^= v[2];
        v[2] = Long.rotateLeft(v[2], 32);
    }

    /** The cookie for a client segment's 4-tuple and ISN under keys[2 slot..], at time counter count. */
    static int cookie(long[] keys, int slot, Segment s, long count, int info) {
        int[] src = words(s.src());
        int[] dst = words(s.dst());
        long ports = (Short.reverseBytes((short) s.sport()) & 0xffffL) | (Short.reverseBytes((short) s.dport()) & 0xffffL) << 16;
        long[] m = {
                u(src[0]) | u(src[1]) << 32, u(src[2]) | u(src[3]) << 32,
                u(dst[0]) | u(dst[1]) << 32, u(dst[2]) | u(dst[3]) << 32,
                ports | u(s.isn()) << 32,
                (count & 0xffffffffL) | (long) info << 32};
        int mac = (int) (siphash13(keys[2 * slot], keys[2 * slot + 1], m) >>> 41);
        return mac << 9 | (int) (count & 1) << 8 | info;
    }

    /** The cookie time counter now. */
    static long count() {
        return System.nanoTime() >>> Abi.COOKIE_COUNT_SHIFT;
    }

    static int mssOf(boolean v6, int index) {
        int[] table = v6 ? new int[]{1220, 1420, 1440, 8940} : new int[]{536, 1300, 1440, 1460};
        return table[index];
    }

    static int mssIndex(boolean v6, int clientMss) {
        int i = 3;
        while (i > 0 && clientMss < mssOf(v6, i)) {
            i--;
        }
        return i;
    }

    /** The info byte the cookie carries for a SYN, and whether the answer offers each option. */
    static Choice choose(Segment syn, boolean kernelCookie) {
        boolean v6 = syn.v6();
        int mssIndex = mssIndex(v6, syn.mss() != 0 ? syn.mss() : mssOf(v6, 0));
        boolean ws = syn.wscale() != WS_NONE;
        boolean sack = syn.sack();
        boolean ecn = (syn.flags() & 0xc0) == 0xc0;
        if (kernelCookie && !syn.ts()) {
            ws = sack = ecn = false;
        }
        int wscale = Math.min(syn.wscale(), 14);
        int info = mssIndex | (ws ? wscale : WS_NONE) << 2 | (sack ? 0x40 : 0) | (ecn ? 0x80 : 0);
        int tsBits = (ws ? wscale : WS_NONE) | (sack ? 0x10 : 0) | (ecn ? 0x20 : 0);
        return new Choice(mssIndex, ws, sack, ecn, info, tsBits);
    }

    /**
     * The SYN-ACK answering syn, as synack.h describes it, with the given sequence number and
     * timestamp value; offeredWscale and offeredMss4 as sg_config says.
     */
    static byte[] synAck(Segment syn, Choice c, int seq, int tsval, int offeredWscale, int offeredMss4) {
        boolean v6 = syn.v6();
        ByteBuffer tcp = ByteBuffer.allocate(40);
        tcp.putShort((short) syn.dport()).putShort((short) syn.sport()).putInt(seq).putInt(syn.isn() + 1);
        int eff = mssOf(v6, c.mssIndex()) - (syn.ts() ? 12 : 0);
        tcp.put((byte) 0xa0).put((byte) (0x12 | (c.ecn() ? 0x40 : 0))).putShort((short) (65535 - 65535 % eff));
        tcp.putShort((short) 0).putShort((short) 0);
        byte[] o = new byte[20];
        Arrays.fill(o, (byte) 1);
        int mss = (offeredMss4 == 0 ? 1460 : offeredMss4) - (v6 ? 20 : 0);
        o[0] = 2;
        o[1] = 4;
        o[2] = (byte) (mss >> 8);
        o[3] = (byte) mss;
        if (syn.ts()) {
            if (c.sack()) {
                o[4] = 4;
                o[5] = 2;
            }
            o[6] = 8;
            o[7] = 10;
            ByteBuffer.wrap(o, 8, 8).putInt(tsval).putInt(syn.tsval());
        } else if (c.sack()) {
            o[6] = 4;
            o[7] = 2;
        }
        if (c.ws()) {
            o[17] = 3;
            o[18] = 3;
            o[19] = (byte) offeredWscale;
        }
        tcp.put(o);
        byte[] l4 = tcp.array();
        int pseudo = onesSum(syn.dst()) + onesSum(syn.src()) + 6 + 40;
        int sum = checksum(l4, pseudo);
        l4[16] = (byte) (sum >> 8);
        l4[17] = (byte) sum;

        byte[] l3;
        if (v6) {
            ByteBuffer ip = ByteBuffer.allocate(40);
            ip.putInt(0x60000000).putShort((short) 40).put((byte) 6).put((byte) 64).put(syn.dst()).put(syn.src());
            l3 = ip.array();
        } else {
            ByteBuffer ip = ByteBuffer.allocate(20);
            ip.put((byte) 0x45).put((byte) 0).putShort((short) 60).putShort((short) 0).putShort((short) 0x4000);
            ip.put((byte) 64).put((byte) 6).putShort((short) 0).put(syn.dst()).put(syn.src());
            l3 = ip.array();
            int ipsum = checksum(l3, 0);
            l3[10] = (byte) (ipsum >> 8);
            l3[11] = (byte) ipsum;
        }
        byte[] l2 = syn.l2().clone();
        System.arraycopy(syn.l2(), 6, l2, 0, 6);
        System.arraycopy(syn.l2(), 0, l2, 6, 6);
        ByteBuffer frame = ByteBuffer.allocate(l2.length + l3.length + l4.length);
        return frame.put(l2).put(l3).put(l4).array();
    }

    private static int onesSum(byte[] data) {
        int sum = 0;
        for (int i = 0; i < data.length; i += 2) {
            sum += (data[i] & 0xff) << 8 | (data[i + 1] & 0xff);
        }
        return sum;
    }

    /** The Internet checksum of data (even length) plus initial. */
    static int checksum(byte[] data, int initial) {
        long sum = initial + (long) onesSum(data);
        while (sum >> 16 != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static int[] words(byte[] address) {
        int[] w = new int[4];
        ByteBuffer b = ByteBuffer.wrap(address).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < address.length / 4; i++) {
            w[i] = b.getInt();
        }
        return w;
    }

    private static long u(int v) {
        return v & 0xffffffffL;
    }

    /**
     * What the answer offers.
     *
     * @param info   the cookie's low byte
     * @param tsBits the timestamp value's low six bits
     */
    record Choice(int mssIndex, boolean ws, boolean sack, boolean ecn, int info, int tsBits) {}

    /**
     * A TCP segment as parsed from a frame: l2 is everything up to and with the ethertype.
     *
     * @param wscale {@link #WS_NONE} without the option
     */
    record Segment(byte[] l2, boolean v6, byte[] src, byte[] dst, int sport, int dport, int isn, int ack, int flags,
                   int mss, int wscale, boolean sack, boolean ts, int tsval, int tsecr, int l4Offset) {

        static Segment parse(byte[] f) {
            ByteBuffer b = ByteBuffer.wrap(f);
            int at = 12;
            int type = b.getShort(at) & 0xffff;
            while (type == 0x8100 || type == 0x88a8) {
                at += 4;
                type = b.getShort(at) & 0xffff;
            }
            at += 2;
            byte[] l2 = Arrays.copyOf(f, at);
            boolean v6 = type == 0x86dd;
            byte[] src;
            byte[] dst;
            int l4;
            if (v6) {
                src = Arrays.copyOfRange(f, at + 8, at + 24);
                dst = Arrays.copyOfRange(f, at + 24, at + 40);
                int next = f[at + 6] & 0xff;
                l4 = at + 40;
                while (next != 6) {
                    int len = switch (next) {
                        case 0, 43, 60 -> ((f[l4 + 1] & 0xff) + 1) * 8;
                        case 51 -> ((f[l4 + 1] & 0xff) + 2) * 4;
                        case 44 -> 8;
                        default -> throw new IllegalArgumentException("next header " + next);
                    };
                    next = f[l4] & 0xff;
                    l4 += len;
                }
            } else {
                src = Arrays.copyOfRange(f, at + 12, at + 16);
                dst = Arrays.copyOfRange(f, at + 16, at + 20);
                l4 = at + (f[at] & 0xf) * 4;
            }
            int doff = (f[l4 + 12] & 0xff) >> 4;
            int mss = 0;
            int ws = WS_NONE;
            boolean sack = false;
            boolean ts = false;
            int tsval = 0;
            int tsecr = 0;
            for (int i = l4 + 20; i < l4 + doff * 4; ) {
                int kind = f[i] & 0xff;
                if (kind == 0) {
                    break;
                }
                if (kind == 1) {
                    i++;
                    continue;
                }
                int len = f[i + 1] & 0xff;
                switch (kind) {
                    case 2 -> mss = b.getShort(i + 2) & 0xffff;
                    case 3 -> ws = f[i + 2] & 0xff;
                    case 4 -> sack = true;
                    case 8 -> {
                        ts = true;
                        tsval = b.getInt(i + 2);
                        tsecr = b.getInt(i + 6);
                    }
                    default -> { }
                }
                i += len;
            }
            return new Segment(l2, v6, src, dst, b.getShort(l4) & 0xffff, b.getShort(l4 + 2) & 0xffff, b.getInt(l4 + 4),
                    b.getInt(l4 + 8), f[l4 + 13] & 0xff, mss, ws, sack, ts, tsval, tsecr, l4);
        }

        /** The same segment with another sequence number. */
        Segment withIsn(int seq) {
            return new Segment(l2, v6, src, dst, sport, dport, seq, ack, flags, mss, wscale, sack, ts, tsval, tsecr, l4Offset);
        }
    }
}

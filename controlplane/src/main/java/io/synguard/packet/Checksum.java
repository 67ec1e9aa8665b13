package io.synguard.packet;

/**
 * The Internet checksum (RFC 1071): the ones'-complement sum of big-endian 16-bit words, an odd
 * last byte padded with a zero byte.
 */
public final class Checksum {
    private Checksum() {}

    /** The sum of all of data's words, folded to 16 bits. */
    public static int sum(byte[] data) {
        return sum(data, 0, data.length, 0);
    }

    /** The sum of the words in [from, to) plus initial, folded to 16 bits. */
    public static int sum(byte[] data, int from, int to, int initial) {
        long sum = initial;
        for (int i = from; i < to; i += 2) {
            sum += (data[i] & 0xff) << 8 | (i + 1 < to ? data[i + 1] & 0xff : 0);
        }
        return fold(sum);
    }

    /** A sum folded to 16 bits, each carry out of them added back in. */
    public static int fold(long sum) {
        while (sum >> 16 != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) sum;
    }

    /**
     * The checksum of the words in [from, to) on top of initial (a pseudo-header's sum, say): the
     * complement of their sum. Over data that holds its checksum it is 0.
     */
    public static int of(byte[] data, int from, int to, int initial) {
        return ~sum(data, from, to, initial) & 0xffff;
    }
}

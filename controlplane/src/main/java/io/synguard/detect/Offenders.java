package io.synguard.detect;

import io.synguard.dataplane.AddressCounts;

import java.net.InetAddress;

/**
 * Offending sources in the order found, each kept as the two halves {@link AddressCounts} keys an
 * address by (IPv4 as ::ffff:a.b.c.d): 2^20 of them are two arrays, not 2^20 objects.
 */
final class Offenders {
    private final long[] high;
    private final long[] low;
    private int size;

    /** Room for at most n offenders. */
    Offenders(int n) {
        high = new long[n];
        low = new long[n];
    }

    void add(long hi, long lo) {
        high[size] = hi;
        low[size] = lo;
        size++;
    }

    int size() {
        return size;
    }

    /** Whether offender i is an IPv4 address. */
    boolean v4(int i) {
        return high[i] == 0 && (low[i] >>> 32) == 0xffffL;
    }

    /** Offender i's IPv4 address as an int; only for an IPv4 one. */
    int v4Bits(int i) {
        return (int) low[i];
    }

    InetAddress address(int i) {
        return AddressCounts.address(high[i], low[i]);
    }
}

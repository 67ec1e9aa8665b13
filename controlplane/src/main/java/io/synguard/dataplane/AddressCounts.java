package io.synguard.dataplane;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * SYN and drop counts (and the CPUs that saw them) by source address, the address kept as its two
 * big-endian halves (IPv4 as ::ffff:a.b.c.d) in an open-addressed table that doubles when half full:
 * a million sources without a million map entries. Not thread-safe.
 */
public final class AddressCounts {
    private long[] high;
    private long[] low;
    private long[] syns;
    private long[] drops;
    /** CPUs that counted an address; 0 marks a free slot. */
    private int[] cpus;
    private int size;

    /** A table for about expected addresses. */
    public AddressCounts(int expected) {
        allocate(Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1);
    }

    private void allocate(int capacity) {
        high = new long[capacity];
        low = new long[capacity];
        syns = new long[capacity];
        drops = new long[capacity];
        cpus = new int[capacity];
        size = 0;
    }

    /** Adds counts of an address seen by cpus CPUs. */
    public void add(long hi, long lo, long syn, long drop, int cpu) {
        if (size * 2 >= cpus.length) {
            grow();
        }
        int i = slot(hi, lo);
        if (cpus[i] == 0) {
            high[i] = hi;
            low[i] = lo;
            size++;
        }
        syns[i] += syn;
        drops[i] += drop;
        cpus[i] += cpu;
    }

    /** The slot holding an address, or -1. */
    public int find(long hi, long lo) {
        int i = slot(hi, lo);
        return cpus[i] == 0 ? -1 : i;
    }

    public long syns(int slot) {
        return syns[slot];
    }

    public long drops(int slot) {
        return drops[slot];
    }

    public int size() {
        return size;
    }

    /** Where an address is or would go. */
    private int slot(long hi, long lo) {
        int mask = cpus.length - 1;
        int i = (int) ((hi * 0x9e3779b97f4a7c15L + lo) * 0xc2b2ae3d27d4eb4fL >>> 33) & mask;
        while (cpus[i] != 0 && (high[i] != hi || low[i] != lo)) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        long[] h = high;
        long[] l = low;
        long[] s = syns;
        long[] d = drops;
        int[] c = cpus;
        allocate(c.length * 2);
        for (int i = 0; i < c.length; i++) {
            if (c[i] != 0) {
                add(h[i], l[i], s[i], d[i], c[i]);
            }
        }
    }

    /** Every address with its counts, as the rate table's sources. */
    List<RateTable.Source> sources() {
        List<RateTable.Source> out = new ArrayList<>(size);
        for (int i = 0; i < cpus.length; i++) {
            if (cpus[i] != 0) {
                out.add(new RateTable.Source(address(high[i], low[i]), syns[i], drops[i], cpus[i]));
            }
        }
        return out;
    }

    /** The high half of an address's bytes (4 or 16) as this table keys it. */
    public static long high(byte[] address) {
        return address.length == 4 ? 0 : ByteBuffer.wrap(address).getLong(0);
    }

    /** The low half of an address's bytes (4 or 16) as this table keys it. */
    public static long low(byte[] address) {
        return address.length == 4 ? 0xffff_0000_0000L | Integer.toUnsignedLong(ByteBuffer.wrap(address).getInt(0))
                : ByteBuffer.wrap(address).getLong(8);
    }

    /** The address of two halves; ::ffff:a.b.c.d as IPv4. */
    static InetAddress address(long hi, long lo) {
        try {
            if (hi == 0 && (lo >>> 32) == 0xffffL) {
                return InetAddress.getByAddress(ByteBuffer.allocate(4).putInt((int) lo).array());
            }
            return InetAddress.getByAddress(ByteBuffer.allocate(16).putLong(hi).putLong(lo).array());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 and 16 bytes are always an address", e);
        }
    }
}

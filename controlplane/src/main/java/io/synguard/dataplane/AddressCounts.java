package io.synguard.dataplane;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * SYN and drop counts (and the CPUs that saw them) by source address, the address kept as its two
 * big-endian halves (IPv4 as ::ffff:a.b.c.d) in an open-addressed table that doubles when half full:
 * a million sources without a million map entries. A slot's fields lie side by side in one array of
 * longs, so that a lookup costs one cache miss, not one per field. An address's place is its home, a
 * 32-bit number that orders the table: a hash of the address, or one the caller gives, always the
 * same for the same address. The rate table's read gives its set's index, so that a million sources
 * read set after set go in one after another, not each to a random place. Not thread-safe.
 */
public final class AddressCounts {
    /** Longs a slot takes: CPUs (0 marks a free slot), high half, low half, SYNs, drops, home. */
    private static final int STRIDE = 6;
    private static final int CPUS = 0;
    private static final int HIGH = 1;
    private static final int LOW = 2;
    private static final int SYNS = 3;
    private static final int DROPS = 4;
    private static final int HOME = 5;

    private long[] table;
    private int slots;
    private int size;

    /** A table for about expected addresses. */
    public AddressCounts(int expected) {
        allocate(Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1);
    }

    private void allocate(int capacity) {
        table = new long[capacity * STRIDE];
        slots = capacity;
        size = 0;
    }

    /** Adds counts of an address seen by cpus CPUs. */
    public void add(long hi, long lo, long syn, long drop, int cpu) {
        add(hash(hi, lo), hi, lo, syn, drop, cpu);
    }

    /**
     * Adds counts of an address seen by cpus CPUs, at its home; an address has always the same.
     * Addresses given in the order of their homes belong in a table sized for them all: put in while
     * it grows, they would crowd its first slots.
     */
    public void add(int home, long hi, long lo, long syn, long drop, int cpu) {
        if (size * 2 >= slots) {
            grow();
        }
        int at = slot(home, hi, lo) * STRIDE;
        if (table[at + CPUS] == 0) {
            table[at + HIGH] = hi;
            table[at + LOW] = lo;
            table[at + HOME] = home;
            size++;
        }
        table[at + SYNS] += syn;
        table[at + DROPS] += drop;
        table[at + CPUS] += cpu;
    }

    /** The slot holding an address, or -1. */
    public int find(long hi, long lo) {
        return find(hash(hi, lo), hi, lo);
    }

    /** The slot holding an address added at home, or -1. */
    public int find(int home, long hi, long lo) {
        int i = slot(home, hi, lo);
        return table[i * STRIDE + CPUS] == 0 ? -1 : i;
    }

    public long syns(int slot) {
        return table[slot * STRIDE + SYNS];
    }

    public long drops(int slot) {
        return table[slot * STRIDE + DROPS];
    }

    public int size() {
        return size;
    }

    /** Slots to go through in order: slot i holds an address when {@link #holds} says so. */
    public int capacity() {
        return slots;
    }

    public boolean holds(int slot) {
        return table[slot * STRIDE + CPUS] != 0;
    }

    /** The high half of the address in slot, as {@link #high(byte[])} makes it. */
    public long highAt(int slot) {
        return table[slot * STRIDE + HIGH];
    }

    /** The low half of the address in slot, as {@link #low(byte[])} makes it. */
    public long lowAt(int slot) {
        return table[slot * STRIDE + LOW];
    }

    /** The home of the address in slot. */
    public int homeAt(int slot) {
        return (int) table[slot * STRIDE + HOME];
    }

    private static int hash(long hi, long lo) {
        return (int) ((hi * 0x9e3779b97f4a7c15L + lo) * 0xc2b2ae3d27d4eb4fL >>> 32);
    }

    /** Where an address is or would go: from its home's place in the table, scaled, onwards. */
    private int slot(int home, long hi, long lo) {
        int mask = slots - 1;
        int i = (int) ((Integer.toUnsignedLong(home) * slots) >>> 32);
        while (table[i * STRIDE + CPUS] != 0 && (table[i * STRIDE + HIGH] != hi || table[i * STRIDE + LOW] != lo)) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        long[] old = table;
        allocate(slots * 2);
        for (int at = 0; at < old.length; at += STRIDE) {
            if (old[at + CPUS] != 0) {
                add((int) old[at + HOME], old[at + HIGH], old[at + LOW], old[at + SYNS], old[at + DROPS],
                        (int) old[at + CPUS]);
            }
        }
    }

    /** Every address with its counts, as the rate table's sources. */
    List<RateTable.Source> sources() {
        List<RateTable.Source> out = new ArrayList<>(size);
        for (int i = 0; i < slots; i++) {
            if (holds(i)) {
                out.add(new RateTable.Source(address(highAt(i), lowAt(i)), syns(i), drops(i),
                        (int) table[i * STRIDE + CPUS]));
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
    public static InetAddress address(long hi, long lo) {
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

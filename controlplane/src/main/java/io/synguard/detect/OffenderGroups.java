package io.synguard.detect;

import io.synguard.config.Settings;
import io.synguard.net.Family;
import io.synguard.net.Prefix;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Offenders grouped by the prefix they widen to, in the order of their first offender, each
 * group's offenders chained through indexes. IPv4 groups are keyed by their network in an
 * open-addressed table of longs, each the network and its group together (one cache line a
 * lookup), so that 2^20 offenders group in milliseconds.
 */
final class OffenderGroups {
    /** A free slot: no group has the number 2^32 - 1. */
    private static final long EMPTY = -1;
    private final Settings.Detection settings;
    private final Offenders offenders;
    private final int[] next;
    /** By group, at most one a offender: its first and last offender, how many. */
    private final int[] first;
    private final int[] last;
    private final int[] count;
    private int size;
    /** network << 32 | group, or EMPTY. */
    private final long[] slots;
    private final Map<Prefix, Integer> v6 = new HashMap<>();

    OffenderGroups(Offenders offenders, Settings.Detection settings) {
        this.settings = settings;
        this.offenders = offenders;
        this.next = new int[offenders.size()];
        this.first = new int[offenders.size()];
        this.last = new int[offenders.size()];
        this.count = new int[offenders.size()];
        int capacity = Integer.highestOneBit(Math.max(2, offenders.size()) * 2 - 1) << 1;
        this.slots = new long[capacity];
        Arrays.fill(slots, EMPTY);
        for (int i = 0; i < offenders.size(); i++) {
            add(i);
        }
    }

    private void add(int i) {
        int g;
        if (offenders.v4(i)) {
            int len = settings.widenV4Len();
            long network = (offenders.v4Bits(i) & (-1 << (32 - len))) & 0xffffffffL;
            int slot = (int) (mix(network) & (slots.length - 1));
            while (slots[slot] != EMPTY && slots[slot] >>> 32 != network) {
                slot = (slot + 1) & (slots.length - 1);
            }
            if (slots[slot] == EMPTY) {
                slots[slot] = network << 32 | size++;
            }
            g = (int) slots[slot];
        } else {
            g = v6.computeIfAbsent(Prefix.host(offenders.address(i)).truncate(settings.widenV6Len()), k -> size++);
        }
        next[i] = -1;
        if (count[g]++ == 0) {
            first[g] = i;
        } else {
            next[last[g]] = i;
        }
        last[g] = i;
    }

    /**
     * murmur3's 64-bit finalizer: every bit of the network moves every bit of the slot. A bare
     * multiplication left the slots of networks an attacker lines up (multiples of a constant near
     * its own) in long runs, and a tick of 2^20 such offenders probing for seconds.
     */
    private static long mix(long key) {
        key ^= key >>> 33;
        key *= 0xff51afd7ed558ccdL;
        key ^= key >>> 33;
        key *= 0xc4ceb9fe1a85ec53L;
        return key ^ key >>> 33;
    }

    int size() {
        return size;
    }

    int count(int g) {
        return count[g];
    }

    int first(int g) {
        return first[g];
    }

    int next(int i) {
        return next[i];
    }

    /** The prefix group g widens to. */
    Prefix prefix(int g) {
        Prefix host = Prefix.host(offenders.address(first[g]));
        return host.truncate(host.family() == Family.V4 ? settings.widenV4Len() : settings.widenV6Len());
    }
}


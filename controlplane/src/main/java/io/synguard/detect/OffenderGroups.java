package io.synguard.detect;

import io.synguard.config.Settings;
import io.synguard.net.Family;
import io.synguard.net.Prefix;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Offenders grouped by the prefix they widen to, in the order of their first offender, each
 * group's offenders chained through indexes. IPv4 groups are keyed by their network in an
 * open-addressed table of longs, so that 2^20 offenders group in milliseconds.
 */
final class OffenderGroups {
    private final Settings.Detection settings;
    private final int[] next;
    /** By group, at most one a offender: its first and last offender, how many, one of its addresses. */
    private final int[] first;
    private final int[] last;
    private final int[] count;
    private final InetAddress[] sample;
    private int size;
    private final long[] keys;
    private final int[] ids;
    private final Map<Prefix, Integer> v6 = new HashMap<>();

    OffenderGroups(List<InetAddress> offenders, Settings.Detection settings) {
        this.settings = settings;
        this.next = new int[offenders.size()];
        this.first = new int[offenders.size()];
        this.last = new int[offenders.size()];
        this.count = new int[offenders.size()];
        this.sample = new InetAddress[offenders.size()];
        int capacity = Integer.highestOneBit(Math.max(2, offenders.size()) * 2 - 1) << 1;
        this.keys = new long[capacity];
        this.ids = new int[capacity];
        Arrays.fill(keys, -1);
        for (int i = 0; i < offenders.size(); i++) {
            add(i, offenders.get(i));
        }
    }

    private void add(int i, InetAddress a) {
        int g;
        if (a instanceof Inet4Address v4) {
            int len = settings.widenV4Len();
            long network = (v4.hashCode() & (-1 << (32 - len))) & 0xffffffffL; // hashCode is the address
            int slot = (int) (mix(network) & (keys.length - 1));
            while (keys[slot] != -1 && keys[slot] != network) {
                slot = (slot + 1) & (keys.length - 1);
            }
            if (keys[slot] == -1) {
                keys[slot] = network;
                ids[slot] = newGroup(a);
            }
            g = ids[slot];
        } else {
            g = v6.computeIfAbsent(Prefix.host(a).truncate(settings.widenV6Len()), k -> newGroup(a));
        }
        next[i] = -1;
        if (count[g]++ == 0) {
            first[g] = i;
        } else {
            next[last[g]] = i;
        }
        last[g] = i;
    }

    private int newGroup(InetAddress a) {
        sample[size] = a;
        return size++;
    }

    private static long mix(long key) {
        return (key * 0x9e3779b97f4a7c15L) >>> 17;
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
        Prefix host = Prefix.host(sample[g]);
        return host.truncate(host.family() == Family.V4 ? settings.widenV4Len() : settings.widenV6Len());
    }
}


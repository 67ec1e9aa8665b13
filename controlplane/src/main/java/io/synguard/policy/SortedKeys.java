package io.synguard.policy;

import io.synguard.net.Family;
import io.synguard.net.Prefix;

import java.util.Arrays;

/**
 * The prefixes of a list at one moment, in {@link Prefix}'s order (IPv4 first): IPv4 packed as
 * {@code address << 8 | length}, 8 bytes each, IPv6 as prefixes.
 */
record SortedKeys(long[] v4, Prefix[] v6) {
    int size() {
        return v4.length + v6.length;
    }

    Prefix get(int i) {
        return i < v4.length ? EntryTable.v4(v4[i]) : v6[i - v4.length];
    }

    /** The position of the first prefix that sorts after the given one. */
    int firstAfter(Prefix after) {
        if (after.family() == Family.V6) {
            return v4.length + next(Arrays.binarySearch(v6, after));
        }
        return next(Arrays.binarySearch(v4, EntryTable.high(after) >>> 24 | after.length()));
    }

    /** From a binary search's answer, the position after the key found or where it would go. */
    private static int next(int found) {
        return found >= 0 ? found + 1 : -found - 1;
    }
}

package io.synguard.bench;

import io.synguard.net.Family;
import io.synguard.net.Prefix;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Synthetic IPv4 blocklists shaped like real ones (mostly hosts, some /24s) and, for each prefix, one
 * address inside it: the sources of an attack that rotates over the whole list.
 *
 * @param prefixes the list, distinct, in no particular order
 * @param sources  one address per prefix, network order, in random order
 */
record Blocklists(List<Prefix> prefixes, int[] sources) {
    /** n prefixes: 90% /32 hosts, 10% /24s, from 1.0.0.0 to 223.255.255.255. */
    static Blocklists generate(int n, long seed) {
        Random random = new Random(seed);
        Set<Prefix> prefixes = new HashSet<>();
        List<Prefix> ordered = new ArrayList<>(n);
        List<Integer> sources = new ArrayList<>(n);
        while (ordered.size() < n) {
            int address = (int) random.nextLong(0x01000000L, 0xe0000000L);
            int length = random.nextInt(10) == 0 ? 24 : 32;
            Prefix p = Prefix.of(Family.V4, bytes(address), length);
            if (prefixes.add(p)) {
                ordered.add(p);
                sources.add(address);
            }
        }
        java.util.Collections.shuffle(sources, random);
        return new Blocklists(ordered, sources.stream().mapToInt(Integer::intValue).toArray());
    }

    static byte[] bytes(int address) {
        return new byte[]{(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    static String text(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }
}

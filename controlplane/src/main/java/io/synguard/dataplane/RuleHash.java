package io.synguard.dataplane;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

/**
 * {@code sg_rule_hash} of the ABI header, bit for bit: murmur3's 32-bit mixing over (family, length)
 * and the address words as stored (network order), read as native-order integers.
 */
final class RuleHash {
    private RuleHash() {}

    /** The home-slot hash of a rule key: the 16 address bytes as sg_rule stores them. */
    static int of(int seed, int family, int length, MemorySegment words) {
        int h = step(seed, family << 8 | length);
        h = step(h, words.get(JAVA_INT_UNALIGNED, 0));
        if (family == Abi.FAMILY_V6) {
            h = step(h, words.get(JAVA_INT_UNALIGNED, 4));
            h = step(h, words.get(JAVA_INT_UNALIGNED, 8));
            h = step(h, words.get(JAVA_INT_UNALIGNED, 12));
        }
        return fin(h);
    }

    private static int step(int h, int k) {
        k *= 0xcc9e2d51;
        k = Integer.rotateLeft(k, 15);
        k *= 0x1b873593;
        h ^= k;
        h = Integer.rotateLeft(h, 13);
        return h * 5 + 0xe6546b64;
    }

    private static int fin(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}

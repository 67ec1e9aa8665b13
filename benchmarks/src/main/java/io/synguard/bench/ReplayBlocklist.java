package io.synguard.bench;

import io.synguard.detect.Mitigator;
import io.synguard.net.Family;
import io.synguard.net.Prefix;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The blocks a {@link DetectionReplay} placed, with their expiry, as the Monitor keeps them: hosts,
 * and the prefixes they widen to, replacing the hosts inside; IPv4 only, as the replay's sources.
 */
final class ReplayBlocklist {
    private final int wideLength;
    private final Map<Prefix, Instant> blocks = new HashMap<>();
    private final Set<Long> keys = new HashSet<>();
    private final Map<Prefix, Set<Prefix>> hosts = new HashMap<>();

    /** @param wideLength the length offenders widen to */
    ReplayBlocklist(int wideLength) {
        this.wideLength = wideLength;
    }

    boolean blocked(Prefix p) {
        return blocks.containsKey(p);
    }

    int inside(Prefix wide) {
        Set<Prefix> h = hosts.get(wide);
        return h == null ? 0 : (int) h.stream().filter(blocks::containsKey).count();
    }

    boolean covers(int address) {
        return keys.contains(key(address, 32))
                || keys.contains(key(address, wideLength));
    }

    void apply(Mitigator.Plan plan, Instant expires) {
        for (Prefix p : plan.blocks()) {
            add(p, expires);
            Prefix wide = p.truncate(wideLength);
            if (plan.widened().contains(p)) {
                for (Prefix h : hosts.getOrDefault(p, Set.of())) {
                    remove(h);
                }
                hosts.remove(p);
            } else {
                hosts.computeIfAbsent(wide, k -> new HashSet<>()).add(p);
            }
        }
    }

    void expire(Instant now) {
        for (Prefix p : blocks.entrySet().stream().filter(e -> !e.getValue().isAfter(now)).map(Map.Entry::getKey)
                .toList()) {
            remove(p);
        }
    }

    private void add(Prefix p, Instant expires) {
        blocks.put(p, expires);
        keys.add(key(p));
    }

    private void remove(Prefix p) {
        blocks.remove(p);
        keys.remove(key(p));
    }

    private static long key(Prefix p) {
        if (p.family() != Family.V4) {
            throw new IllegalStateException("the replay's sources are IPv4: " + p);
        }
        return key(ByteBuffer.wrap(p.address()).getInt(), p.length());
    }

    private static long key(int address, int length) {
        int mask = length == 0 ? 0 : -1 << (32 - length);
        return (long) length << 32 | (address & mask) & 0xffffffffL;
    }
}

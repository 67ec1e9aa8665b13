package io.synguard.dataplane;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.TestRun;
import io.synguard.net.Family;
import io.synguard.net.Prefix;
import io.synguard.packet.FrameBuilder;
import io.synguard.testing.BpfTest;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static io.synguard.bpf.BpfProgram.XDP_DROP;
import static io.synguard.bpf.BpfProgram.XDP_PASS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Thousands of random, nested, overlapping allow and block rules, v4 and v6: the XDP program's
 * verdict for every sampled source, and the rule it charges, must be what a naive reference says
 * (allowed if any allow contains it; otherwise blocked if any block does; the hit goes to the
 * longest such rule), and what the kernel's LPM tries, the source of truth, say. Holds the Java placement and the C lookup to one another, through inserts,
 * removals and tombstones.
 */
@BpfTest
class RuleAgreementTest {
    private static final int V4_BLOCKS = 1500;
    private static final int V4_ALLOWS = 150;
    private static final int V6_BLOCKS = 800;
    private static final int V6_ALLOWS = 80;
    private static final int[] V4_LENGTHS = {8, 12, 14, 15, 16, 17, 19, 20, 22, 23, 24, 24, 25, 27, 28, 30, 31, 32, 32, 32};
    private static final int[] V6_LENGTHS = {16, 32, 40, 48, 52, 56, 60, 64, 64, 72, 96, 112, 120, 127, 128, 128};

    private final Random random = new Random(20261124);

    @Test
    void verdictsAndHitsMatchTheReferenceThroughChurn() {
        try (Dataplane dp = Dataplane.load(Dataplane.Options.defaults().withMaxRules(8192).withRateSets(16))) {
            Map<Prefix, RuleKind> rules = new HashMap<>();
            add(dp, rules, V4_BLOCKS, RuleKind.BLOCK, Family.V4);
            add(dp, rules, V4_ALLOWS, RuleKind.ALLOW, Family.V4);
            add(dp, rules, V6_BLOCKS, RuleKind.BLOCK, Family.V6);
            add(dp, rules, V6_ALLOWS, RuleKind.ALLOW, Family.V6);
            check(dp, rules, 4000);

            removeHalf(dp, rules);
            add(dp, rules, 300, RuleKind.BLOCK, Family.V4);
            add(dp, rules, 30, RuleKind.ALLOW, Family.V6);
            check(dp, rules, 4000);
        }
    }

    /**
     * A table as full as it may be (64 rules in 128 slots): many rules lie past their home slot, behind
     * another rule or a tombstone, where the IPv4 probe leaves its inline first step for the probe loop.
     */
    @Test
    void verdictsAndHitsMatchTheReferenceInAFullTable() {
        try (Dataplane dp = Dataplane.load(Dataplane.Options.defaults().withMaxRules(64).withRateSets(16))) {
            Map<Prefix, RuleKind> rules = new HashMap<>();
            add(dp, rules, 56, RuleKind.BLOCK, Family.V4);
            add(dp, rules, 8, RuleKind.ALLOW, Family.V4);
            check(dp, rules, 2000);

            removeHalf(dp, rules);
            add(dp, rules, 32, RuleKind.BLOCK, Family.V4);
            check(dp, rules, 2000);
        }
    }

    private void removeHalf(Dataplane dp, Map<Prefix, RuleKind> rules) {
        List<Prefix> all = new ArrayList<>(rules.keySet());
        Collections.shuffle(all, random);
        for (Prefix p : all.subList(0, all.size() / 2)) {
            RuleKind kind = rules.remove(p);
            (kind == RuleKind.BLOCK ? dp.blocklist() : dp.allowlist()).remove(p);
        }
    }

    private void add(Dataplane dp, Map<Prefix, RuleKind> rules, int n, RuleKind kind, Family family) {
        int added = 0;
        while (added < n) {
            Prefix p = family == Family.V4 ? randomV4() : randomV6();
            if (rules.containsKey(p)) {
                continue;
            }
            rules.put(p, kind);
            (kind == RuleKind.BLOCK ? dp.blocklist() : dp.allowlist()).put(p, false, null);
            added++;
        }
    }

    private void check(Dataplane dp, Map<Prefix, RuleKind> rules, int samples) {
        Map<Prefix, Long> hitsBefore = new HashMap<>();
        Map<Prefix, Long> expectedHits = new HashMap<>();
        for (RuleList list : List.of(dp.blocklist(), dp.allowlist())) {
            list.list().forEach(r -> hitsBefore.put(r.prefix(), r.hits()));
        }
        assertEquals(rules.size(), hitsBefore.size(), "rules listed");
        List<Prefix> ruleList = new ArrayList<>(rules.keySet());
        int mismatches = 0;
        int trieMismatches = 0;
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < samples; i++) {
            InetAddress source = i % 2 == 0 ? inside(ruleList.get(random.nextInt(ruleList.size()))) : randomSource();
            Prefix host = Prefix.host(source);
            Prefix decisive = decisive(rules, host);
            int expected = decisive != null && rules.get(decisive) == RuleKind.BLOCK ? XDP_DROP : XDP_PASS;
            int actual = dp.program().testRun(TestRun.once(syn(source))).retval();
            if (decisive != null) {
                expectedHits.merge(decisive, 1L, Long::sum);
            }
            int truth = trieVerdict(dp, host);
            if (actual != truth && trieMismatches++ == 0) {
                first.append(source.getHostAddress()).append(": the tries say ").append(truth).append(", the index ")
                        .append(actual).append("; ");
            }
            if (actual != expected && mismatches++ == 0) {
                first.append(source.getHostAddress()).append(": expected ").append(expected).append(" by ")
                        .append(decisive).append(", got ").append(actual);
            }
        }
        if (mismatches > 0 || trieMismatches > 0) {
            fail(mismatches + " of " + samples + " verdicts disagree with the reference, " + trieMismatches
                    + " with the tries; first: " + first);
        }
        for (RuleList list : List.of(dp.blocklist(), dp.allowlist())) {
            for (Rule r : list.list()) {
                long charged = r.hits() - hitsBefore.get(r.prefix());
                assertEquals(expectedHits.getOrDefault(r.prefix(), 0L), charged, "hits of " + r.kind() + " " + r.prefix());
            }
        }
    }

    /** What the tries themselves, looked up by the kernel, say of host: allowed wins, then blocked. */
    private static int trieVerdict(Dataplane dp, Prefix host) {
        String family = host.family() == Family.V4 ? "_v4" : "_v6";
        if (inTrie(dp.map("sg_allow" + family), host)) {
            return XDP_PASS;
        }
        return inTrie(dp.map("sg_block" + family), host) ? XDP_DROP : XDP_PASS;
    }

    private static boolean inTrie(BpfMap trie, Prefix host) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = trie.allocateKey(arena);
            key.set(JAVA_INT, 0, host.length());
            MemorySegment.copy(MemorySegment.ofArray(host.address()), 0, key, 4, host.family().bytes());
            return trie.lookup(key, trie.allocateValue(arena));
        }
    }

    /** The rule that decides for host: the longest allow containing it, else the longest block. */
    private static Prefix decisive(Map<Prefix, RuleKind> rules, Prefix host) {
        Prefix allow = null;
        Prefix block = null;
        for (Map.Entry<Prefix, RuleKind> e : rules.entrySet()) {
            Prefix p = e.getKey();
            if (!p.contains(host)) {
                continue;
            }
            if (e.getValue() == RuleKind.ALLOW) {
                if (allow == null || p.length() > allow.length()) {
                    allow = p;
                }
            } else if (block == null || p.length() > block.length()) {
                block = p;
            }
        }
        return allow != null ? allow : block;
    }

    private Prefix randomV4() {
        int length = V4_LENGTHS[random.nextInt(V4_LENGTHS.length)];
        int address = 0xc6120000 | random.nextInt(1 << 17); // 198.18.0.0/15
        return Prefix.of(Family.V4, new byte[]{(byte) (address >>> 24), (byte) (address >>> 16),
                (byte) (address >>> 8), (byte) address}, length);
    }

    private Prefix randomV6() {
        int length = V6_LENGTHS[random.nextInt(V6_LENGTHS.length)];
        byte[] a = new byte[16];
        random.nextBytes(a);
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0;
        a[3] = 0x02;
        a[4] = 0;
        a[5] = 0; // 2001:2::/48
        return Prefix.of(Family.V6, a, length);
    }

    /** A random address inside p, within the test ranges. */
    private InetAddress inside(Prefix p) {
        byte[] a = p.address();
        byte[] r = new byte[a.length];
        random.nextBytes(r);
        Prefix range = p.family() == Family.V4 ? Prefix.parse("198.18.0.0/15") : Prefix.parse("2001:2::/48");
        int fixed = Math.max(p.length(), range.length());
        byte[] base = p.length() >= range.length() ? a : range.address();
        for (int bit = 0; bit < a.length * 8; bit++) {
            boolean keep = bit < fixed;
            int on = keep ? (base[bit / 8] >> (7 - bit % 8)) & 1 : (r[bit / 8] >> (7 - bit % 8)) & 1;
            a[bit / 8] = (byte) (on == 1 ? a[bit / 8] | (1 << (7 - bit % 8)) : a[bit / 8] & ~(1 << (7 - bit % 8)));
        }
        return address(a);
    }

    private InetAddress randomSource() {
        return inside(random.nextBoolean() ? Prefix.parse("198.18.0.0/15") : Prefix.parse("2001:2::/48"));
    }

    private static InetAddress address(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static byte[] syn(InetAddress source) {
        String src = source.getHostAddress();
        return FrameBuilder.tcp(src, src.contains(":") ? "2001:2::1" : "198.18.0.1").build();
    }

    @Test
    void theReferenceItselfPrefersAllows() {
        Map<Prefix, RuleKind> rules = new HashMap<>();
        rules.put(Prefix.parse("198.18.0.0/16"), RuleKind.ALLOW);
        rules.put(Prefix.parse("198.18.1.0/24"), RuleKind.BLOCK);
        assertEquals(Prefix.parse("198.18.0.0/16"), decisive(rules, Prefix.parse("198.18.1.1")));
        assertEquals(null, decisive(rules, Prefix.parse("198.19.1.1")));
    }
}

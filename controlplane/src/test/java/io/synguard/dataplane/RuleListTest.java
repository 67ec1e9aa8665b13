package io.synguard.dataplane;

import io.synguard.net.Family;
import io.synguard.net.Prefix;
import io.synguard.testing.BpfTest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link RuleList#putAll} on the real maps: batches across families, in address order, the last of a prefix winning. */
@BpfTest
class RuleListTest {
    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");

    @Test
    void aBatchPutsEachPrefixOnceAsTheLastSpecOfItSays() {
        Random random = new Random(7);
        List<RuleSpec> specs = new ArrayList<>();
        Map<Prefix, RuleSpec> last = new LinkedHashMap<>();
        for (int i = 0; i < 9000; i++) { // past two batches of IPv4, then IPv6, shuffled together
            Prefix p = i % 5 == 0
                    ? Prefix.of(Family.V6, bytes(16, random), 48 + random.nextInt(81))
                    : Prefix.of(Family.V4, bytes(4, random), 16 + random.nextInt(17));
            RuleSpec spec = new RuleSpec(p, random.nextBoolean(), random.nextBoolean() ? null : T0.plusSeconds(i));
            specs.add(spec);
            last.put(p, spec);
            if (i % 7 == 0) { // given again, differently: this one wins
                RuleSpec again = new RuleSpec(p, !spec.auto(), T0.plusSeconds(100_000 + i));
                specs.add(again);
                last.put(p, again);
            }
        }
        try (Dataplane dp = Dataplane.load(Dataplane.Options.defaults().withMaxRules(1 << 14).withRateSets(16))) {
            assertEquals(last.size(), dp.blocklist().putAll(specs));
            Map<Prefix, Rule> listed = new LinkedHashMap<>();
            dp.blocklist().list().forEach(r -> listed.put(r.prefix(), r));
            assertEquals(last.keySet(), listed.keySet());
            last.forEach((p, spec) -> {
                Rule r = listed.get(p);
                assertEquals(spec.auto(), r.auto(), p.toString());
                assertEquals(spec.expires(), r.expires(), p.toString());
                assertEquals(p.length(), dp.blocklist().longestContaining(p).orElseThrow().length(), "indexed: " + p);
            });
        }
    }

    @Test
    void aBatchThatDoesNotFitChangesNothing() {
        try (Dataplane dp = Dataplane.load(Dataplane.Options.defaults().withMaxRules(1 << 10).withRateSets(16))) {
            List<RuleSpec> specs = new ArrayList<>();
            for (int i = 0; i <= dp.ruleCapacity(); i++) {
                specs.add(new RuleSpec(Prefix.of(Family.V4, new byte[]{10, 0, (byte) (i >> 8), (byte) i}, 32), false, null));
            }
            assertThrows(RuleTableFullException.class, () -> dp.blocklist().putAll(specs));
            assertEquals(List.of(), dp.blocklist().list());
        }
    }

    private static byte[] bytes(int n, Random random) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}

package io.synguard.flowspec;

import io.synguard.dataplane.RuleKind;
import io.synguard.net.Family;
import io.synguard.net.Prefix;
import io.synguard.policy.Entry;
import io.synguard.policy.Origin;
import io.synguard.policy.Policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which blocks go upstream: never an allowed or protected one; the widest, then the busiest, up to the cap. */
class SelectionTest {
    private static final Map<Family, Prefix> DESTINATIONS = Map.of(Family.V4, Prefix.parse("198.19.0.0/16"));

    @Test
    void widestThenBusiestFirstUpToTheCap() {
        List<Policy.Listed> blocks = List.of(block("198.18.1.7/32", 900), block("198.18.2.0/24", 5),
                block("198.18.3.0/24", 50), block("198.18.4.0/16", 0), block("198.18.9.9/32", 10));
        Selection s = Selection.of(blocks, List.of(), DESTINATIONS, Action.DISCARD, 3);
        assertEquals(List.of("198.18.0.0/16", "198.18.3.0/24", "198.18.2.0/24"), sources(s));
        assertEquals(5, s.eligible());
        assertEquals(2, s.localOnly());
        assertEquals(0, s.excluded());
        assertEquals(Prefix.parse("198.19.0.0/16"), s.rules().getFirst().destination());
    }

    @Test
    void aV6PrefixRanksByItsSixtyFours() {
        assertEquals(Selection.width(Prefix.parse("10.0.0.0/16")), Selection.width(Prefix.parse("2001:2::/48")));
        assertEquals(0, Selection.width(Prefix.parse("2001:2::1/128")));
        Selection s = Selection.of(List.of(block("2001:2::/48", 0), block("198.18.7.0/24", 0)), List.of(), Map.of(),
                Action.DISCARD, 1);
        assertEquals(List.of("2001:2::/48"), sources(s));
        assertEquals(null, s.rules().getFirst().destination());
    }

    @Test
    void neverAnAllowedOrProtectedPrefixEitherWayRound() {
        List<Policy.Listed> blocks = List.of(block("198.18.1.0/24", 0), block("198.18.2.9/32", 0),
                block("198.19.4.0/24", 0), block("198.0.0.0/8", 0), block("198.18.3.0/24", 0));
        Selection s = Selection.of(blocks, List.of(Prefix.parse("198.18.1.5/32"), Prefix.parse("198.18.2.0/24")),
                DESTINATIONS, Action.DISCARD, 100);
        // 198.18.1.0/24 holds an allowed address, 198.18.2.9 is inside an allowed /24, 198.19.4.0/24 is
        // protected, 198.0.0.0/8 holds the protected prefix
        assertEquals(List.of("198.18.3.0/24"), sources(s));
        assertEquals(4, s.excluded());
    }

    @Test
    void theActionIsEveryRules() {
        Selection s = Selection.of(List.of(block("198.18.1.0/24", 0)), List.of(), DESTINATIONS, new Action(1000), 1);
        assertEquals(new Action(1000), s.rules().getFirst().action());
    }

    @Test
    void theCapKeepsTheBestRankedWhateverOrderTheBlocksComeIn() {
        Random random = new Random(15);
        List<Policy.Listed> blocks = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            int len = 16 + random.nextInt(17);
            blocks.add(block("198.18." + random.nextInt(256) + "." + random.nextInt(256) + "/" + len, random.nextInt(5)));
        }
        List<Prefix> allows = List.of(Prefix.parse("198.18.7.0/24"));
        Selection all = Selection.of(blocks, allows, DESTINATIONS, Action.DISCARD, Integer.MAX_VALUE);
        for (int max : new int[]{0, 1, 25, 1999, 5000}) {
            Collections.shuffle(blocks, random);
            Selection capped = Selection.of(blocks, allows, DESTINATIONS, Action.DISCARD, max);
            assertEquals(all.rules().subList(0, Math.min(max, all.rules().size())), capped.rules(), "cap " + max);
            assertEquals(all.eligible(), capped.eligible());
            assertEquals(all.eligible() - capped.rules().size(), capped.localOnly());
            assertEquals(all.excluded(), capped.excluded());
        }
    }

    static Policy.Listed block(String prefix, long hits) {
        return new Policy.Listed(new Entry(RuleKind.BLOCK, Prefix.parse(prefix), Origin.OPERATOR, null,
                Instant.EPOCH, null), hits);
    }

    private static List<String> sources(Selection s) {
        return s.rules().stream().map(r -> r.source().toString()).toList();
    }
}

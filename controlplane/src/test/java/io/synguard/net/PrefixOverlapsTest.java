package io.synguard.net;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whether any of a set of prefixes overlaps another, by lookups, as a scan of them all would say. */
class PrefixOverlapsTest {
    private final PrefixOverlaps set = new PrefixOverlaps(List.of(p("198.18.4.0/24"), p("198.18.9.9/32"),
            p("10.0.0.0/8"), p("2001:2:1::/48")));

    @Test
    void aPrefixOverlapsAMemberAroundItInsideItOrEqualToIt() {
        assertTrue(set.overlaps(p("198.18.4.0/24")), "equal");
        assertTrue(set.overlaps(p("198.18.4.7/32")), "inside a member");
        assertTrue(set.overlaps(p("10.20.0.0/16")), "inside a member of another length");
        assertTrue(set.overlaps(p("198.18.0.0/16")), "around two members");
        assertTrue(set.overlaps(p("198.18.9.0/24")), "around a host");
        assertTrue(set.overlaps(p("0.0.0.0/0")), "around everything of its family");
        assertTrue(set.overlaps(p("2001:2:1:5::/64")));
        assertTrue(set.overlaps(p("::/0")));
    }

    @Test
    void neighboursAndTheOtherFamilyDoNot() {
        assertFalse(set.overlaps(p("198.18.5.0/24")), "the next /24");
        assertFalse(set.overlaps(p("198.18.9.8/32")), "the host beside");
        assertFalse(set.overlaps(p("198.18.8.0/24")));
        assertFalse(set.overlaps(p("11.0.0.0/8")));
        assertFalse(set.overlaps(p("2001:2:2::/48")));
        assertFalse(new PrefixOverlaps(List.of(p("198.18.0.0/15"))).overlaps(p("2001:2::/32")), "families apart");
        assertFalse(new PrefixOverlaps(List.of()).overlaps(p("0.0.0.0/0")), "an empty set");
    }

    @Test
    void agreesWithAScanOverRandomPrefixesNestedInFewNetworks() {
        Random random = new Random(15);
        for (int round = 0; round < 50; round++) {
            List<Prefix> members = new ArrayList<>();
            for (int i = 0; i < 1 + random.nextInt(40); i++) {
                members.add(random(random));
            }
            PrefixOverlaps overlaps = new PrefixOverlaps(members);
            for (int i = 0; i < 400; i++) {
                Prefix q = random(random);
                boolean scan = members.stream().anyMatch(m -> m.contains(q) || q.contains(m));
                assertEquals(scan, overlaps.overlaps(q), q + " against " + members);
            }
        }
    }

    /** In 198.18.0.0/15 or 2001:2::/44 at any length past those, so that prefixes often nest. */
    private static Prefix random(Random random) {
        if (random.nextInt(4) == 0) {
            byte[] a = p("2001:2::/44").address();
            a[5] |= (byte) random.nextInt(16);
            a[6] = (byte) random.nextInt(4);
            return Prefix.of(Family.V6, a, 44 + random.nextInt(85));
        }
        byte[] a = {(byte) 198, (byte) (18 + random.nextInt(2)), (byte) random.nextInt(4), (byte) random.nextInt(8)};
        return Prefix.of(Family.V4, a, 15 + random.nextInt(18));
    }

    private static Prefix p(String text) {
        return Prefix.parse(text);
    }
}

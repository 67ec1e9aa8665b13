package io.synguard.flowspec;

import io.synguard.net.Prefix;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The difference between what is wanted and what the speaker holds of ours, and nothing when equal. */
class PlanTest {
    private static final PathCodec CODEC = new PathCodec(PathCodecTest.COMMUNITY);
    private static final Prefix DST = Prefix.parse("198.19.0.0/16");

    @Test
    void equalTablesSendNothing() {
        List<FlowRule> wanted = List.of(rule("198.18.1.0/24", Action.DISCARD), rule("198.18.2.0/24", Action.DISCARD));
        assertTrue(Plan.between(wanted, held(wanted.reversed())).empty());
    }

    @Test
    void addsWhatIsMissingAndWithdrawsWhatIsNotWanted() {
        Plan p = Plan.between(List.of(rule("198.18.1.0/24", Action.DISCARD), rule("198.18.3.0/24", Action.DISCARD)),
                held(List.of(rule("198.18.1.0/24", Action.DISCARD), rule("198.18.2.0/24", Action.DISCARD))));
        assertEquals(List.of(rule("198.18.3.0/24", Action.DISCARD)), p.add());
        assertEquals(List.of(rule("198.18.2.0/24", Action.DISCARD)), p.withdraw().stream().map(Speaker.Held::rule).toList());
    }

    @Test
    void anotherActionIsReplacedInPlaceWithoutAWithdrawal() {
        Plan p = Plan.between(List.of(rule("198.18.1.0/24", new Action(500))),
                held(List.of(rule("198.18.1.0/24", Action.DISCARD))));
        assertEquals(List.of(rule("198.18.1.0/24", new Action(500))), p.add());
        assertEquals(List.of(), p.withdraw());
    }

    @Test
    void aPathOfOursThatIsNoRuleIsWithdrawn() {
        Speaker.Held byHand = new Speaker.Held(null, CODEC.path(rule("198.18.1.0/24", Action.DISCARD)));
        Plan p = Plan.between(List.of(rule("198.18.1.0/24", Action.DISCARD)), List.of(byHand));
        assertEquals(List.of(byHand), p.withdraw());
        assertEquals(List.of(rule("198.18.1.0/24", Action.DISCARD)), p.add());
    }

    @Test
    void anotherDestinationIsAnotherRule() {
        FlowRule anyDst = new FlowRule(Prefix.parse("198.18.1.0/24"), null, Action.DISCARD);
        Plan p = Plan.between(List.of(rule("198.18.1.0/24", Action.DISCARD)), held(List.of(anyDst)));
        assertEquals(List.of(anyDst), p.withdraw().stream().map(Speaker.Held::rule).toList());
        assertEquals(1, p.add().size());
    }

    static FlowRule rule(String source, Action action) {
        return new FlowRule(Prefix.parse(source), DST, action);
    }

    private static List<Speaker.Held> held(List<FlowRule> rules) {
        return rules.stream().map(r -> new Speaker.Held(r, CODEC.path(r))).toList();
    }
}

package io.synguard.flowspec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to send to make the speaker's table hold exactly the rules wanted: withdraw first what this
 * host holds and no longer wants (or what it cannot read as a rule of its own), then add what is
 * missing. A rule held with another action is added again, which replaces it in place (a router
 * keys FlowSpec by match). Equal tables give an empty plan: nothing is sent.
 */
record Plan(List<Speaker.Held> withdraw, List<FlowRule> add) {
    static Plan between(List<FlowRule> wanted, List<Speaker.Held> held) {
        Map<FlowRule.Match, FlowRule> byMatch = new HashMap<>();
        wanted.forEach(r -> byMatch.put(r.match(), r));
        Set<FlowRule> missing = new LinkedHashSet<>(wanted);
        List<Speaker.Held> withdraw = new ArrayList<>();
        Set<FlowRule.Match> kept = new LinkedHashSet<>();
        for (Speaker.Held h : held) {
            FlowRule want = h.rule() == null ? null : byMatch.get(h.rule().match());
            if (want == null || !kept.add(want.match())) {
                withdraw.add(h);
            } else if (want.equals(h.rule())) {
                missing.remove(want);
            }
        }
        return new Plan(withdraw, List.copyOf(missing));
    }

    boolean empty() {
        return withdraw.isEmpty() && add.isEmpty();
    }
}

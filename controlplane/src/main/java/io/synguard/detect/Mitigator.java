package io.synguard.detect;

import io.synguard.config.Settings;
import io.synguard.net.Family;
import io.synguard.net.Prefix;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Whom to block while an attack lasts. An offender is a source the rate limiter is dropping (it
 * exceeds the per-source rate) or has just reported; one-shot spoofed sources never get that far,
 * so they never reach the blocklist. Offenders are blocked one by one, or by their /24 (/64) once
 * enough of one prefix offend. Nothing an allow contains is ever blocked, and nothing already
 * blocked is blocked again. Pure: the caller applies the plan.
 */
public final class Mitigator {
    /** Below this share of the SYN rate, the tracked and the blocked sources cannot explain the flood. */
    public static final double EXPLAINED_SHARE = 0.1;
    /** Blocks planned per interval at most: a flood of offenders cannot flood the blocklist. */
    static final int MAX_PER_INTERVAL = 10_000;

    /**
     * Plans one interval's blocks.
     *
     * @param step      the detector's verdict for the interval
     * @param sources   per-source rates, from the rate table
     * @param reported  sources the data plane reported as newly rate-limited
     * @param blocked   prefixes that already have a block of their own
     * @param allowed   whether an allow contains a prefix
     * @param inside    how many hosts are blocked already inside a prefix: they offended before
     */
    public Plan plan(Detector.Step step, List<SourceRates.SourceRate> sources, Collection<InetAddress> reported,
                     Settings.Detection settings, Predicate<Prefix> blocked, Predicate<Prefix> allowed,
                     ToIntFunction<Prefix> inside) {
        if (!step.underAttack()) {
            return Plan.NONE;
        }
        // what blocks already drop is explained too: those sources were dealt with one by one; and a
        // calm interval, the flood gone, has no flood to judge (its few SYNs are the clients')
        double explained = sources.stream().mapToDouble(SourceRates.SourceRate::synPps).sum()
                + step.rates().blockedPps();
        boolean randomSources = !step.calm() && explained < EXPLAINED_SHARE * step.rates().synPps();

        Set<InetAddress> offenders = new LinkedHashSet<>();
        for (SourceRates.SourceRate s : sources) {
            if (s.droppedPps() > 0) {
                offenders.add(s.address());
            }
        }
        offenders.addAll(reported);
        if (!settings.autoBlock() || offenders.isEmpty()) {
            return new Plan(List.of(), List.of(), randomSources, offenders.size(), 0);
        }

        Map<Prefix, List<Prefix>> byWide = new HashMap<>();
        for (InetAddress a : offenders) {
            Prefix host = Prefix.host(a);
            int wide = host.family() == Family.V4 ? settings.widenV4Len() : settings.widenV6Len();
            byWide.computeIfAbsent(host.truncate(wide), k -> new ArrayList<>()).add(host);
        }
        List<Prefix> blocks = new ArrayList<>();
        List<Prefix> widened = new ArrayList<>();
        int spared = 0;
        for (Map.Entry<Prefix, List<Prefix>> e : byWide.entrySet()) {
            Prefix wide = e.getKey();
            if (blocked.test(wide)) {
                continue;
            }
            if (e.getValue().size() + inside.applyAsInt(wide) >= settings.widenMinSources() && !allowed.test(wide)) {
                blocks.add(wide);
                widened.add(wide);
                continue;
            }
            for (Prefix host : e.getValue()) {
                if (allowed.test(host)) {
                    spared++;
                } else if (!blocked.test(host)) {
                    blocks.add(host);
                }
            }
        }
        if (blocks.size() > MAX_PER_INTERVAL) {
            blocks = blocks.subList(0, MAX_PER_INTERVAL);
        }
        return new Plan(blocks, widened, randomSources, offenders.size(), spared);
    }

    /**
     * @param blocks        prefixes to block now
     * @param widened       of which prefixes blocked for the many offenders inside them
     * @param randomSources the flood comes from sources too scattered to block one by one
     * @param offenders     offending sources seen this interval
     * @param spared        offenders left alone because an allow contains them
     */
    public record Plan(List<Prefix> blocks, List<Prefix> widened, boolean randomSources, int offenders, int spared) {
        public static final Plan NONE = new Plan(List.of(), List.of(), false, 0, 0);
    }
}

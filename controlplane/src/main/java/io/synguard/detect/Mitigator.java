package io.synguard.detect;

import io.synguard.config.Settings;
import io.synguard.net.Prefix;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Whom to block while an attack lasts. An offender is a source the rate limiter is dropping (it
 * exceeds the per-source rate) or has just reported; one-shot spoofed sources never get that far,
 * so they never reach the blocklist. Offenders are blocked one by one, or by their /24 (/64) once
 * enough of one prefix offend. Nothing an allow contains is ever blocked, and nothing already
 * blocked is blocked again. The groups of offenders are taken in the order of their first offender
 * (the sources come highest SYN rate first) until {@link #MAX_PER_INTERVAL} blocks are planned; the
 * rest wait for the next interval, so that a tick with 2^20 offenders asks the policy only about
 * what it blocks. Pure: the caller applies the plan.
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

        List<InetAddress> offenders = offenders(sources, reported);
        if (!settings.autoBlock() || offenders.isEmpty()) {
            return new Plan(List.of(), List.of(), randomSources, offenders.size(), 0);
        }

        OffenderGroups groups = new OffenderGroups(offenders, settings);
        List<Prefix> blocks = new ArrayList<>();
        List<Prefix> widened = new ArrayList<>();
        int spared = 0;
        for (int g = 0; g < groups.size() && blocks.size() < MAX_PER_INTERVAL; g++) {
            Prefix wide = groups.prefix(g);
            if (blocked.test(wide)) {
                continue;
            }
            if (groups.count(g) + inside.applyAsInt(wide) >= settings.widenMinSources() && !allowed.test(wide)) {
                blocks.add(wide);
                widened.add(wide);
                continue;
            }
            for (int m = groups.first(g); m >= 0 && blocks.size() < MAX_PER_INTERVAL; m = groups.next(m)) {
                Prefix host = Prefix.host(offenders.get(m));
                if (allowed.test(host)) {
                    spared++;
                } else if (!blocked.test(host)) {
                    blocks.add(host);
                }
            }
        }
        return new Plan(blocks, widened, randomSources, offenders.size(), spared);
    }

    /** The sources over their rate, in the order given, then those reported that were not among them. */
    private static List<InetAddress> offenders(List<SourceRates.SourceRate> sources, Collection<InetAddress> reported) {
        Set<InetAddress> more = new HashSet<>(reported);
        List<InetAddress> offenders = new ArrayList<>();
        for (SourceRates.SourceRate s : sources) {
            if (s.droppedPps() > 0) {
                offenders.add(s.address());
            }
            if (!more.isEmpty()) {
                more.remove(s.address());
            }
        }
        for (InetAddress a : reported) {
            if (more.remove(a)) {
                offenders.add(a);
            }
        }
        return offenders;
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

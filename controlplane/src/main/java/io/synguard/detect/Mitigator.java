package io.synguard.detect;

import io.synguard.config.Settings;
import io.synguard.dataplane.AddressCounts;
import io.synguard.net.Prefix;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
        SourceRates.Rates rates = SourceRates.Rates.of(sources);
        double explained = rates.synPpsSum() + step.rates().blockedPps();
        boolean randomSources = !step.calm() && explained < EXPLAINED_SHARE * step.rates().synPps();

        Offenders offenders = offenders(rates, reported);
        if (!settings.autoBlock() || offenders.size() == 0) {
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
                Prefix host = Prefix.host(offenders.address(m));
                if (allowed.test(host)) {
                    spared++;
                } else if (!blocked.test(host)) {
                    blocks.add(host);
                }
            }
        }
        return new Plan(blocks, widened, randomSources, offenders.size(), spared);
    }

    /**
     * The sources over their rate, in the order given, then those reported that were not among them.
     * The reported are counted by address as they are found, so each joins once, and only when no
     * source was it.
     */
    private static Offenders offenders(SourceRates.Rates sources, Collection<InetAddress> reported) {
        AddressCounts found = new AddressCounts(reported.size());
        for (InetAddress a : reported) {
            byte[] b = a.getAddress();
            found.add(AddressCounts.high(b), AddressCounts.low(b), 0, 0, 1);
        }
        int unfound = found.size();
        Offenders offenders = new Offenders(sources.size() + unfound);
        for (int i = 0; i < sources.size(); i++) {
            if (sources.droppedPps(i) > 0) {
                offenders.add(sources.high(i), sources.low(i));
            }
            if (unfound > 0 && found(found, sources.high(i), sources.low(i))) {
                unfound--;
            }
        }
        for (InetAddress a : reported) {
            byte[] b = a.getAddress();
            if (unfound > 0 && found(found, AddressCounts.high(b), AddressCounts.low(b))) {
                unfound--;
                offenders.add(AddressCounts.high(b), AddressCounts.low(b));
            }
        }
        return offenders;
    }

    /** Whether an address among the reported is found here for the first time; it is found from now on. */
    private static boolean found(AddressCounts reported, long hi, long lo) {
        int slot = reported.find(hi, lo);
        if (slot < 0 || reported.syns(slot) > 0) {
            return false;
        }
        reported.add(hi, lo, 1, 0, 0);
        return true;
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

package io.synguard.detect;

import java.util.List;

/**
 * What the sources did over an interval, as the rate table tells it: how the detector tells a flood
 * the ladder can act on from a rate it cannot.
 *
 * @param offenders    sources over their rate (the rate limiter dropped some of their SYNs) or just
 *                     reported as such; -1 when not known
 * @param explainedPps the SYN rate of the sources the rate table tracks
 */
public record Behaviour(int offenders, double explainedPps) {
    public static final Behaviour UNKNOWN = new Behaviour(-1, 0);

    /** The behaviour of these per-source rates, with reported sources newly over their rate. */
    public static Behaviour of(List<SourceRates.SourceRate> sources, int reported) {
        SourceRates.Rates rates = SourceRates.Rates.of(sources);
        int offenders = reported;
        double explained = 0;
        for (int i = 0; i < rates.size(); i++) {
            explained += rates.synPps(i);
            if (rates.droppedPps(i) > 0) {
                offenders++;
            }
        }
        return new Behaviour(offenders, explained);
    }

    /**
     * Whether a SYN rate gives the ladder nothing to act on: no source over its rate to block, and
     * sources that explain the rate, so no random-source flood for cookies either.
     */
    boolean nothingToActOn(double synPps) {
        return offenders == 0 && explainedPps >= Mitigator.EXPLAINED_SHARE * synPps;
    }
}

package io.synguard.detect;

import io.synguard.config.Settings;
import io.synguard.dataplane.Abi.Counter;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides, interval by interval, whether the host is under a SYN flood. The SYN rate's baseline is
 * an exponentially weighted average over quiet intervals; the threshold is that times
 * {@code threshold_factor}, never below {@code min_threshold_pps}. One interval above it starts an
 * attack; the attack ends once the rate has stayed below half the threshold for
 * {@link #CALM_INTERVALS} intervals, and the baseline learns nothing while it lasts. Pure: the
 * samples carry their own time.
 */
public final class Detector {
    /** Weight of the newest interval in the baseline: about ten intervals' memory. */
    static final double ALPHA = 0.1;
    /** Quiet intervals below half the threshold before an attack is over. */
    static final int CALM_INTERVALS = 5;

    private Settings.Detection settings;
    private Sample last;
    private double baseline = -1;
    private Instant attackSince;
    private int calm;
    private double peak;

    public Detector(Settings.Detection settings) {
        this.settings = settings;
    }

    public void configure(Settings.Detection s) {
        this.settings = s;
    }

    /** Takes one sample; what this interval looked like. */
    public Step step(Sample now) {
        Rates rates = last == null ? Rates.ZERO : rates(last, now);
        last = now;
        double threshold = threshold();
        boolean started = false;
        boolean ended = false;
        if (attackSince == null) {
            if (rates.synPps() > threshold) {
                attackSince = now.at();
                calm = 0;
                peak = rates.synPps();
                started = true;
            } else {
                baseline = baseline < 0 ? rates.synPps() : baseline + ALPHA * (rates.synPps() - baseline);
            }
        } else {
            peak = Math.max(peak, rates.synPps());
            calm = calm(rates.synPps(), threshold) ? calm + 1 : 0;
            if (calm >= CALM_INTERVALS) {
                attackSince = null;
                ended = true;
            }
        }
        return new Step(now.at(), rates, Math.max(0, baseline), threshold, attackSince, started, ended, peak);
    }

    /** The threshold now: frozen while an attack lasts. */
    double threshold() {
        return Math.max(settings.minThresholdPps(), Math.max(0, baseline) * settings.thresholdFactor());
    }

    /** Whether a SYN rate is under half the threshold: what ends an attack when it lasts. */
    static boolean calm(double synPps, double threshold) {
        return synPps < threshold / 2;
    }

    static Rates rates(Sample from, Sample to) {
        double seconds = Duration.between(from.at(), to.at()).toNanos() / 1e9;
        if (seconds <= 0) {
            return Rates.ZERO;
        }
        long blocked = delta(from, to, Counter.DROPPED_BLOCKLIST);
        long dropped = blocked + delta(from, to, Counter.DROPPED_RATELIMIT);
        return new Rates(delta(from, to, Counter.PACKETS) / seconds, delta(from, to, Counter.SYN) / seconds,
                dropped / seconds, blocked / seconds);
    }

    private static long delta(Sample from, Sample to, Counter c) {
        return Math.max(0, to.get(c) - from.get(c));
    }

    /**
     * One interval's verdict.
     *
     * @param at          when it ended
     * @param rates       its rates
     * @param baseline    the SYN rate's quiet-time average
     * @param threshold   the SYN rate an attack crosses
     * @param attackSince when the attack began, or null when there is none
     * @param started     this interval began it
     * @param ended       this interval ended it
     * @param peakSynPps  the attack's highest SYN rate so far
     */
    public record Step(Instant at, Rates rates, double baseline, double threshold, Instant attackSince,
                       boolean started, boolean ended, double peakSynPps) {
        public boolean underAttack() {
            return attackSince != null;
        }

        /** Whether this interval was calm: an attack's tail, the flood gone, if there is an attack. */
        public boolean calm() {
            return Detector.calm(rates.synPps(), threshold);
        }
    }
}

package io.synguard.detect;

import io.synguard.config.Settings;
import io.synguard.dataplane.Abi.Counter;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides, interval by interval, whether the host is under a SYN flood. What starts an attack and
 * what the {@link Baseline} learns is the rate of the SYNs the blocklist did not drop (those were
 * dealt with already: a pulse flood whose sources are blocked starts no new attack each pulse); the
 * baseline learns from the intervals that are no attack; the threshold is the baseline times {@code threshold_factor},
 * never below {@code min_threshold_pps}. One interval above it starts an attack, unless the traffic
 * behaves like a flash crowd: no source over its rate and most SYNs followed by the rest of their
 * connection (other TCP segments at least {@value #COMPLETING} a SYN), which then feeds the baseline
 * instead. The attack ends once the rate has stayed below half the threshold for
 * {@link #CALM_INTERVALS} intervals, or is re-examined: after {@link #REEXAMINE_INTERVALS} intervals
 * in a row that give the ladder nothing to act on (no offender, sources that explain the rate), the
 * rate is taken as the new normal. A daemon without a learnt baseline first learns for
 * {@code learning_s}; meanwhile only a rate over {@code hard_threshold_pps} is an attack. Pure: the
 * samples carry their own time.
 */
public final class Detector {
    /** Quiet intervals below half the threshold before an attack is over. */
    public static final int CALM_INTERVALS = 5;
    /** Attack intervals in a row with nothing to act on before the rate is taken as normal. */
    public static final int REEXAMINE_INTERVALS = 30;
    /** Other TCP segments a SYN, at least, when most handshakes complete. */
    static final double COMPLETING = 0.5;

    private Settings.Detection settings;
    private final Baseline baseline;
    private Sample last;
    private Instant learningFrom;
    private Instant attackSince;
    private int calm;
    private int idle;
    private double peak;

    public Detector(Settings.Detection settings) {
        this(settings, new Baseline());
    }

    /** A detector that goes on from a kept baseline; one that was learnt does not learn again. */
    public Detector(Settings.Detection settings, Baseline baseline) {
        this.settings = settings;
        this.baseline = baseline;
    }

    public void configure(Settings.Detection s) {
        this.settings = s;
    }

    /** The baseline, to keep: the caller reads it on the detector's thread. */
    public Baseline baseline() {
        return baseline;
    }

    /** Takes one sample, nothing known of the sources; what this interval looked like. */
    public Step step(Sample now) {
        return step(now, Behaviour.UNKNOWN);
    }

    /** Takes one sample and what the sources did over the interval; what this interval looked like. */
    public Step step(Sample now, Behaviour sources) {
        Rates rates = last == null ? Rates.ZERO : rates(last, now);
        last = now;
        boolean learning = learning(now.at());
        double judged = judged(rates);
        double threshold = learning ? settings.hardThresholdPps() : threshold();
        boolean started = false;
        boolean ended = false;
        boolean flashCrowd = false;
        boolean reexamined = false;
        if (attackSince == null) {
            flashCrowd = judged > threshold && sources.offenders() == 0 && completing(rates);
            if (judged > threshold && !flashCrowd) {
                attackSince = now.at();
                calm = 0;
                idle = 0;
                peak = rates.synPps();
                started = true;
            } else {
                baseline.add(now.at(), judged);
            }
        } else {
            peak = Math.max(peak, rates.synPps());
            calm = calm(rates.synPps(), threshold) ? calm + 1 : 0;
            idle = calm == 0 && sources.nothingToActOn(judged) ? idle + 1 : 0;
            if (calm >= CALM_INTERVALS || idle >= REEXAMINE_INTERVALS) {
                reexamined = calm < CALM_INTERVALS;
                if (reexamined) {
                    baseline.rebase(now.at(), judged);
                }
                attackSince = null;
                ended = true;
            }
        }
        return new Step(now.at(), rates, baseline.level(), threshold, attackSince, started, ended, peak,
                learning ? learningFrom.plusSeconds(settings.learningS()) : null, flashCrowd, reexamined);
    }

    /** Whether the baseline is still being learnt at; the first sample starts the learning. */
    private boolean learning(Instant at) {
        if (baseline.learnt()) {
            return false;
        }
        if (learningFrom == null) {
            learningFrom = at;
        }
        if (!at.isBefore(learningFrom.plusSeconds(settings.learningS()))) {
            baseline.learnt(true);
            return false;
        }
        return true;
    }

    /** The SYN rate that may start an attack: what the blocklist did not already drop. */
    static double judged(Rates rates) {
        return Math.max(0, rates.synPps() - rates.blockedPps());
    }

    /** Whether most SYNs of the interval were followed by the rest of a connection. */
    static boolean completing(Rates rates) {
        return rates.synPps() > 0 && rates.otherTcpPps() >= COMPLETING * rates.synPps();
    }

    /** The threshold now: frozen while an attack lasts. */
    double threshold() {
        return Math.max(settings.minThresholdPps(), baseline.level() * settings.thresholdFactor());
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
        long syn = delta(from, to, Counter.SYN);
        return new Rates(delta(from, to, Counter.PACKETS) / seconds, syn / seconds, dropped / seconds,
                blocked / seconds, Math.max(0, delta(from, to, Counter.TCP) - syn) / seconds);
    }

    private static long delta(Sample from, Sample to, Counter c) {
        return Math.max(0, to.get(c) - from.get(c));
    }

    /**
     * One interval's verdict.
     *
     * @param at          when it ended
     * @param rates       its rates
     * @param baseline    the SYN rate's normal level
     * @param threshold   the SYN rate an attack crosses
     * @param attackSince when the attack began, or null when there is none
     * @param started     this interval began it
     * @param ended       this interval ended it
     * @param peakSynPps  the attack's highest SYN rate so far
     * @param learningUntil when learning ends, while it lasts; null once the baseline is learnt
     * @param flashCrowd  the rate crossed the threshold, but as a flash crowd does: no attack
     * @param reexamined  this interval ended the attack by taking its rate as the new normal
     */
    public record Step(Instant at, Rates rates, double baseline, double threshold, Instant attackSince,
                       boolean started, boolean ended, double peakSynPps, Instant learningUntil,
                       boolean flashCrowd, boolean reexamined) {
        /** A step outside learning, neither a flash crowd nor re-examined. */
        public Step(Instant at, Rates rates, double baseline, double threshold, Instant attackSince,
                    boolean started, boolean ended, double peakSynPps) {
            this(at, rates, baseline, threshold, attackSince, started, ended, peakSynPps, null, false, false);
        }

        public boolean learning() {
            return learningUntil != null;
        }

        public boolean underAttack() {
            return attackSince != null;
        }

        /** Whether this interval was calm: an attack's tail, the flood gone, if there is an attack. */
        public boolean calm() {
            return Detector.calm(rates.synPps(), threshold);
        }
    }
}

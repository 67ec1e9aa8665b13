package io.synguard.detect;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The host's normal SYN rate, from the intervals the detector judged no attack: the highest of
 * <ul>
 * <li>a short average (exponentially weighted, about ten intervals' memory) that follows a ramp,</li>
 * <li>the {@value #QUANTILE} quantile of the last hour's minute means, which a short dip or a single
 * odd minute does not move,</li>
 * <li>the same quantile over the minutes around this time yesterday, once a day of history is kept:
 * a daily peak is normal when it comes again.</li>
 * </ul>
 * Floods never enter it (the detector feeds only intervals it judged no attack), so it does not
 * follow one; what it follows is the legitimate rate, however it changes. Its {@link State} is what
 * the daemon keeps in the state directory, so a restart does not learn again.
 */
public final class Baseline {
    /** Weight of the newest interval in the short average. */
    static final double ALPHA = 0.1;
    static final double QUANTILE = 0.9;
    /** Minutes in the recent window, and half the window around this time yesterday. */
    static final int RECENT_MINUTES = 60;
    static final int DAY_MINUTES = 24 * 60;
    /** Minutes kept: a day and the window around its end. */
    static final int KEPT = DAY_MINUTES + RECENT_MINUTES;

    private double recent = -1;
    private boolean learnt;
    private final long[] minutes = new long[KEPT];
    private final double[] means = new double[KEPT];
    private long minute = Long.MIN_VALUE;
    private double sum;
    private int count;
    /** The long-window part, computed when a minute closes. */
    private double longTerm;

    public Baseline() {
        Arrays.fill(minutes, Long.MIN_VALUE);
    }

    /** Takes an interval's SYN rate, judged no attack. */
    void add(Instant at, double synPps) {
        recent = recent < 0 ? synPps : recent + ALPHA * (synPps - recent);
        long m = Math.floorDiv(at.getEpochSecond(), 60);
        if (m != minute) {
            close();
            minute = m;
        }
        sum += synPps;
        count++;
    }

    /** Starts again from synPps: the rate the detector re-examined and found normal. */
    void rebase(Instant at, double synPps) {
        recent = synPps;
        Arrays.fill(minutes, Long.MIN_VALUE);
        minute = Long.MIN_VALUE;
        sum = 0;
        count = 0;
        longTerm = 0;
        add(at, synPps);
    }

    /** The normal SYN rate now; 0 before anything was learnt. */
    public double level() {
        return Math.max(Math.max(0, recent), longTerm);
    }

    /** Whether a learning period ended with this baseline (or it was restored from one that did). */
    public boolean learnt() {
        return learnt;
    }

    void learnt(boolean learnt) {
        this.learnt = learnt;
    }

    private void close() {
        if (count == 0) {
            return;
        }
        int slot = Math.floorMod(minute, KEPT);
        minutes[slot] = minute;
        means[slot] = sum / count;
        sum = 0;
        count = 0;
        longTerm = Math.max(quantile(minute - RECENT_MINUTES + 1, minute, 1),
                quantile(minute - DAY_MINUTES - RECENT_MINUTES / 2, minute - DAY_MINUTES + RECENT_MINUTES / 2,
                        RECENT_MINUTES / 2));
    }

    /** The quantile of the kept minute means from first to last; 0 with fewer than enough of them. */
    private double quantile(long first, long last, int enough) {
        double[] found = new double[(int) (last - first + 1)];
        int n = 0;
        for (long m = first; m <= last; m++) {
            int slot = Math.floorMod(m, KEPT);
            if (minutes[slot] == m) {
                found[n++] = means[slot];
            }
        }
        if (n < enough) {
            return 0;
        }
        Arrays.sort(found, 0, n);
        return found[(int) Math.min(n - 1, Math.floor(QUANTILE * n))];
    }

    /** What is kept across restarts. */
    public State state() {
        List<Minute> kept = new ArrayList<>();
        for (int i = 0; i < KEPT; i++) {
            if (minutes[i] != Long.MIN_VALUE) {
                kept.add(new Minute(minutes[i], means[i]));
            }
        }
        kept.sort((a, b) -> Long.compare(a.minute(), b.minute()));
        return new State(learnt, Math.max(0, recent), kept);
    }

    /** A baseline as it was kept. */
    public static Baseline of(State state) {
        Baseline b = new Baseline();
        b.learnt = state.learnt();
        b.recent = state.recentPps();
        for (Minute m : state.minutes()) {
            b.minute = m.minute();
            b.sum = m.meanPps();
            b.count = 1;
            b.close();
        }
        b.minute = Long.MIN_VALUE;
        return b;
    }

    /**
     * @param learnt    a learning period ended with it
     * @param recentPps the short average
     * @param minutes   the kept minute means, oldest first
     */
    public record State(boolean learnt, double recentPps, List<Minute> minutes) {}

    /** A minute's mean SYN rate; minute counts from the epoch. */
    public record Minute(long minute, double meanPps) {}
}

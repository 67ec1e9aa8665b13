package io.synguard.bench;

import java.util.Arrays;

/** Figures over rounds: the median every suite reports, and ratios taken within a round. */
final class Stats {
    private Stats() {}

    /** The median of v, the mean of the middle two for an even count; NaN for none. */
    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** a / b within each round; null if either is missing or they differ in rounds. */
    static double[] ratios(double[] a, double[] b) {
        if (a == null || b == null || a.length != b.length) {
            return null;
        }
        double[] r = new double[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] / b[i];
        }
        return r;
    }

    /** v with value appended. */
    static double[] append(double[] v, double value) {
        double[] w = Arrays.copyOf(v, v.length + 1);
        w[v.length] = value;
        return w;
    }

    /** v for JSON: null where there is no figure (NaN, infinite). */
    static Double orNull(double v) {
        return Double.isFinite(v) ? v : null;
    }
}

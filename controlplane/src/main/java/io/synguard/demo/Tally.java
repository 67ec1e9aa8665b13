package io.synguard.demo;

import java.util.ArrayList;
import java.util.List;

/** Visits of the legitimate clients: how many were tried, how many served, and how long those took. */
final class Tally {
    private int tried;
    private final List<Long> servedNanos = new ArrayList<>();

    synchronized void add(boolean served, long nanos) {
        tried++;
        if (served) {
            servedNanos.add(nanos);
        }
    }

    /** The visits of all of tallies together. */
    static Tally of(List<Tally> tallies) {
        Tally all = new Tally();
        for (Tally t : tallies) {
            synchronized (t) {
                all.tried += t.tried;
                all.servedNanos.addAll(t.servedNanos);
            }
        }
        return all;
    }

    synchronized int tried() {
        return tried;
    }

    synchronized int served() {
        return servedNanos.size();
    }

    /** Served of tried, in percent; 100 when none were tried. */
    synchronized double servedPercent() {
        return tried == 0 ? 100 : 100.0 * servedNanos.size() / tried;
    }

    /** The time a served visit took at this quantile (0..1), in milliseconds; 0 when none were served. */
    synchronized double millis(double quantile) {
        if (servedNanos.isEmpty()) {
            return 0;
        }
        List<Long> sorted = servedNanos.stream().sorted().toList();
        int at = (int) Math.ceil(quantile * sorted.size()) - 1;
        return sorted.get(Math.clamp(at, 0, sorted.size() - 1)) / 1e6;
    }
}

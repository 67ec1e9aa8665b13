package io.synguard.bench;

import java.util.Arrays;

/**
 * The spoofed-flood sweep's arithmetic: the rates it floods at, as shares of synguard's cookie
 * capacity measured flat out in the same run; a protection's capacity from the device's counters;
 * and whether the targets were met.
 */
final class Sweep {
    /** Shares of synguard's capacity swept below flat out; {@link #TARGET_SHARE} is the one the targets name. */
    static final double[] SHARES = {0.25, 0.5, 0.8};
    static final double[] QUICK_SHARES = {0.8};
    static final double TARGET_SHARE = 0.8;
    /** synguard's cookies answer at least this many times what the kernel's do on the same core. */
    static final double TARGET_CAPACITY_RATIO = 5;
    static final double TARGET_SYNGUARD_SUCCESS_PCT = 99;
    static final double TARGET_KERNEL_SUCCESS_PCT = 50;

    private Sweep() {}

    /** The flood rates, frames a second, for shares of capacity: whole thousands, at least one. */
    static long[] rates(double capacityPps, double[] shares) {
        if (!(capacityPps > 0)) {
            throw new IllegalArgumentException("synguard answered nothing flat out: no capacity to sweep under");
        }
        return Arrays.stream(shares).mapToLong(s -> Math.max(1000, Math.round(capacityPps * s / 1000) * 1000)).toArray();
    }

    /**
     * SYNs answered a second at the device under test between two readings: SYN-ACKs sent from XDP,
     * and the segments its stack sent (the stack's SYN-ACKs, cookies or not; a legitimate
     * client's few segments are lost in the flood's).
     */
    static double answeredPps(BenchWorld.DutStats before, BenchWorld.DutStats after, long nanos) {
        long answered = after.xdpTx() - before.xdpTx() + after.tcpSent() - before.tcpSent();
        return nanos <= 0 ? 0 : answered * 1e9 / nanos;
    }

    /**
     * The targets, from medians: synguard's capacity over the kernel's, and legitimate success under
     * a flood of {@link #TARGET_SHARE} of synguard's capacity with each; NaN where not measured.
     */
    record Verdict(double capacityRatio, double synguardSuccessPct, double kernelSuccessPct) {
        boolean capacityMet() {
            return capacityRatio >= TARGET_CAPACITY_RATIO;
        }

        boolean serviceMet() {
            return synguardSuccessPct >= TARGET_SYNGUARD_SUCCESS_PCT && kernelSuccessPct < TARGET_KERNEL_SUCCESS_PCT;
        }
    }
}

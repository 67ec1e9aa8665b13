package io.synguard.flood;

import io.synguard.net.Prefix;

import java.time.Duration;

/**
 * A SYN flood: frames to target:port from sources, a share of them from a legitimate address,
 * at rate frames a second (0: as fast as the generator goes), until count frames are out (0: no
 * limit) or duration has passed, whichever comes first.
 *
 * @param legit      the legitimate source; null for none
 * @param legitShare of every frame, the share from legit, 0 to 1
 * @param burst      0: a rate-capped flood leaves in bursts of 1/20 s worth, cheap, which a receiver
 *                   whose NAPI runs on another CPU than the sender partly loses to its ring; else it is
 *                   paced, its frames evenly spaced at the cost of a sender CPU spinning for each one's
 *                   time, and handed to the device burst at a time (1 to {@link #MAX_BURST})
 */
public record Flood(Sources sources, Prefix target, int port, Prefix legit, double legitShare, long rate, long count,
                    Duration duration, int burst) {
    /** Frames a paced flood may hand over at once: a quarter of a veth's 256-frame ring. */
    public static final int MAX_BURST = 64;
    /** A smooth flood's burst: nearly frame by frame, as frames reach a NIC's ring. */
    public static final int SMOOTH_BURST = 4;

    public Flood {
        if (target.length() != target.family().bits()) {
            throw new IllegalArgumentException("the target is an address, not a prefix: " + target);
        }
        if (target.family() != sources.family()) {
            throw new IllegalArgumentException("sources and target differ in family: " + sources.base() + ", " + target);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port outside 1..65535: " + port);
        }
        if (legit != null && (legit.family() != target.family() || legit.length() != legit.family().bits())) {
            throw new IllegalArgumentException("the legitimate source must be an address of the target's family: " + legit);
        }
        if (legitShare < 0 || legitShare > 1 || legitShare > 0 && legit == null) {
            throw new IllegalArgumentException("legit share must be 0..1, and needs a legitimate source: " + legitShare);
        }
        if (rate < 0 || count < 0) {
            throw new IllegalArgumentException("rate and count cannot be negative");
        }
        if (burst < 0 || burst > MAX_BURST) {
            throw new IllegalArgumentException("a paced flood's burst must be 1.." + MAX_BURST + " frames, or 0 for none: " + burst);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("a flood needs a positive duration, not " + duration);
        }
    }

    /** All frames from sources, none legitimate. */
    public static Flood of(Sources sources, Prefix target, int port, long rate, long count, Duration duration) {
        return new Flood(sources, target, port, null, 0, rate, count, duration, 0);
    }

    /** This flood with a share of its frames from legit. */
    public Flood withLegit(Prefix address, double share) {
        return new Flood(sources, target, port, address, share, rate, count, duration, burst);
    }

    /** This flood paced, handed over {@link #SMOOTH_BURST} frames at a time (see {@code burst}). */
    public Flood smoothly() {
        return paced(SMOOTH_BURST);
    }

    /** This flood paced, handed over burst frames at a time (see {@code burst}). */
    public Flood paced(int burst) {
        return new Flood(sources, target, port, legit, legitShare, rate, count, duration, burst);
    }
}

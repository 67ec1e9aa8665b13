package io.synguard.detect;

/**
 * Per-second rates over one interval.
 *
 * @param packetsPps every frame
 * @param synPps     initial SYNs
 * @param droppedPps SYNs dropped (or, in monitor mode, that would have been)
 */
public record Rates(double packetsPps, double synPps, double droppedPps) {
    public static final Rates ZERO = new Rates(0, 0, 0);
}

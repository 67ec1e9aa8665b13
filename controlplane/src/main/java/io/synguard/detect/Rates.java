package io.synguard.detect;

/**
 * Per-second rates over one interval.
 *
 * @param packetsPps every frame
 * @param synPps     initial SYNs
 * @param droppedPps SYNs dropped (or, in monitor mode, that would have been)
 * @param blockedPps  the part of droppedPps the blocklist dropped: sources already dealt with
 * @param otherTcpPps TCP segments that are no initial SYN: handshakes completing, connections going on
 */
public record Rates(double packetsPps, double synPps, double droppedPps, double blockedPps, double otherTcpPps) {
    public static final Rates ZERO = new Rates(0, 0, 0, 0, 0);

    /** Rates without the other TCP segments. */
    public Rates(double packetsPps, double synPps, double droppedPps, double blockedPps) {
        this(packetsPps, synPps, droppedPps, blockedPps, 0);
    }
}

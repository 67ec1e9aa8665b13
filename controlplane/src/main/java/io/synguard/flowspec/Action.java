package io.synguard.flowspec;

/**
 * What a router does with the SYNs a rule matches: the traffic-rate-bytes extended community of
 * RFC 8955, where a rate of 0 discards.
 *
 * @param bytesPerSecond the rate let through; 0 discards
 */
public record Action(long bytesPerSecond) {
    public static final Action DISCARD = new Action(0);
    /**
     * The largest whole rate RFC 8955's 32-bit float carries exactly at every step below it: 16 MiB/s
     * (~134 Mbit/s), a cap on what a router lets through, not above every link.
     */
    private static final long MAX_RATE = 1L << 24;

    public Action {
        if (bytesPerSecond < 0 || bytesPerSecond > MAX_RATE) {
            throw new IllegalArgumentException("a rate limit is 1 to " + MAX_RATE + " bytes per second, not "
                    + bytesPerSecond);
        }
    }

    /** discard, or rate-limit:BPS (bytes per second, as RFC 8955 counts them). */
    public static Action parse(String text) {
        if (text.equals("discard")) {
            return DISCARD;
        }
        if (text.startsWith("rate-limit:") && text.substring(11).matches("[1-9][0-9]{0,9}")) {
            return new Action(Long.parseLong(text.substring(11)));
        }
        throw new IllegalArgumentException("--flowspec-action is discard or rate-limit:BPS (bytes per second), not "
                + text);
    }

    public boolean discards() {
        return bytesPerSecond == 0;
    }

    /** As {@link #parse} reads it. */
    public String text() {
        return discards() ? "discard" : "rate-limit:" + bytesPerSecond;
    }
}

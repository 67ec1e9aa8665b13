package io.synguard.cli;

/** Durations on the command line: seconds, or a number with s, m, h or d. */
final class Durations {
    private Durations() {}

    static long seconds(String text) {
        String t = text.strip();
        long unit = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            case 'd' -> 86400;
            default -> 0;
        };
        String digits = unit == 0 ? t : t.substring(0, t.length() - 1);
        try {
            long n = Math.multiplyExact(Long.parseLong(digits), Math.max(1, unit));
            if (n < 1) {
                throw new IllegalArgumentException("a duration must be at least 1s, was '" + text + "'");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: write 3600, 90s, 10m, 1h or 2d");
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
    }
}

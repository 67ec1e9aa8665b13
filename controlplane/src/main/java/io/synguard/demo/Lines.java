package io.synguard.demo;

import java.util.Locale;

/** The live view's lines: one a second, under one header, plain text that reads in a CI log too. */
final class Lines {
    static final String HEADER = String.format(Locale.ROOT, "%6s  %-14s %10s %10s %10s  %-15s %6s  %s", "time",
            "phase", "packets/s", "SYN/s", "dropped/s", "attack", "blocks", "legitimate clients, last second");

    private Lines() {}

    static String second(Second s) {
        Second.Reading r = s.reading();
        return String.format(Locale.ROOT, "%5ds  %-14s %10s %10s %10s  %-15s %6d  %s", s.at(), s.phase().name(),
                number(r.packetsPps()), number(r.synPps()), number(r.droppedPps()), attack(r), r.autoBlocks(),
                visits(s.visits()));
    }

    static String block(Second.Block b) {
        return String.format(Locale.ROOT, "%8s+ %s blocked %s (%s)", "", b.origin(), b.prefix(), b.reason());
    }

    /** A line for the cookie step going on or off, as now says. */
    static String cookies(Second.Reading now) {
        return String.format(Locale.ROOT, "%8s+ SYN cookies %s", "", now.cookies()
                ? "on: synguard answers the SYNs that pass from XDP" : "off");
    }

    static String attack(Second.Reading r) {
        return !r.attack() ? "none" : r.randomSources() ? "ATTACK: random" : "ATTACK: sources";
    }

    static String visits(Tally t) {
        if (t.tried() == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%3.0f %% served (%d/%d), %.1f ms", t.servedPercent(), t.served(), t.tried(),
                t.millis(0.5));
    }

    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}

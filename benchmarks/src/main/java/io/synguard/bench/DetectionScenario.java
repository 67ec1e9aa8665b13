package io.synguard.bench;

import java.util.List;

/**
 * A synthetic trace for {@link DetectionReplay}: groups of sources, each with a per-source SYN rate
 * for every one-second interval, labelled with its truth (legitimate or attack). Intervals count
 * from 1; the detector starts fresh, learning for the default 300 s.
 *
 * @param name    what it shows
 * @param seconds intervals replayed
 * @param groups  the traffic
 */
record DetectionScenario(String name, int seconds, List<Group> groups) {
    /** The default learning period, in intervals. */
    static final int LEARNING = 300;
    /** Where the floods after learning begin. */
    private static final int FLOOD_AT = 600;

    /** A per-source SYN rate by interval. */
    interface Rate {
        double at(int second);

        static Rate steady(double pps) {
            return s -> pps;
        }

        /** pps from interval first to last, nothing outside. */
        static Rate during(int first, int last, double pps) {
            return s -> s >= first && s <= last ? pps : 0;
        }
    }

    /**
     * Sources of one kind.
     *
     * @param attack     whether they are a flood (the truth)
     * @param sources    how many; for a spoofed group, SYNs of new random sources each interval
     *                   are rate × sources
     * @param first      the first source's IPv4 address, the others following it
     * @param spoofed    a new random source every SYN: none is ever tracked or blockable
     * @param rate       each source's SYNs a second
     * @param completing whether their handshakes complete (legitimate clients) or not (floods)
     */
    record Group(boolean attack, int sources, int first, boolean spoofed, Rate rate, boolean completing) {
        static Group clients(int sources, int first, Rate rate) {
            return new Group(false, sources, first, false, rate, true);
        }

        static Group flood(int sources, int first, Rate rate) {
            return new Group(true, sources, first, false, rate, false);
        }

        /** The first interval with any SYN from the group; 0 if none. */
        int start(int seconds) {
            for (int s = 1; s <= seconds; s++) {
                if (rate.at(s) > 0) {
                    return s;
                }
            }
            return 0;
        }
    }

    private static int v4(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    /** The legitimate background of the flood scenarios: 1000 clients at 2 SYN/s. */
    private static Group background() {
        return Group.clients(1_000, v4(198, 18, 16, 0), Rate.steady(2));
    }

    private static final int BOTNET = v4(198, 19, 0, 1);

    static List<DetectionScenario> all() {
        Rate pulse = s -> s >= FLOOD_AT && s < FLOOD_AT + 200 && (s - FLOOD_AT) % 20 < 10 ? 250 : 0;
        int day = 7_200;
        Rate diurnal = s -> 0.5 * Math.pow(10, (1 - Math.cos(2 * Math.PI * s / day)) / 2);
        return List.of(
                new DetectionScenario("steady busy host started mid-stream (20,000 SYN/s)", 1_200,
                        List.of(Group.clients(10_000, v4(198, 18, 16, 0), Rate.steady(2)))),
                new DetectionScenario("diurnal ramp 10x over a day compressed to 2 h", day,
                        List.of(Group.clients(2_000, v4(198, 18, 16, 0), diurnal))),
                new DetectionScenario("legitimate step doubling (10,000 to 20,000 SYN/s)", 1_200,
                        List.of(Group.clients(5_000, v4(198, 18, 16, 0), s -> s < FLOOD_AT ? 2 : 4))),
                new DetectionScenario("flash crowd of 50,000 sources under the limit", 1_200,
                        List.of(background(), Group.clients(50_000, v4(198, 18, 56, 0),
                                Rate.during(FLOOD_AT, FLOOD_AT + 119, 2)))),
                new DetectionScenario("single-source flood (50,000 SYN/s)", 1_200,
                        List.of(background(), Group.flood(1, v4(198, 19, 64, 7), Rate.during(FLOOD_AT, FLOOD_AT + 59, 50_000)))),
                new DetectionScenario("botnet of 400 hosts (200,000 SYN/s)", 1_200,
                        List.of(background(), Group.flood(400, BOTNET, Rate.during(FLOOD_AT, FLOOD_AT + 59, 500)))),
                new DetectionScenario("spoofed flood (100,000 SYN/s)", 1_200,
                        List.of(background(), new Group(true, 1, v4(198, 19, 128, 0), true,
                                Rate.during(FLOOD_AT, FLOOD_AT + 59, 100_000), false))),
                new DetectionScenario("pulse flood, 10 s on, 10 s off (400 hosts, 100,000 SYN/s)", 1_200,
                        List.of(background(), Group.flood(400, BOTNET, pulse))),
                new DetectionScenario("low-and-slow: 300 sources each just over the limit (110 SYN/s)", 1_200,
                        List.of(background(), Group.flood(300, v4(198, 19, 8, 1), Rate.during(FLOOD_AT, FLOOD_AT + 99, 110)))),
                new DetectionScenario("flood during learning (400 hosts, 100,000 SYN/s)", 1_200,
                        List.of(background(), Group.flood(400, BOTNET, Rate.during(100, 159, 250)))));
    }

    /** Whether any group is a flood. */
    boolean flood() {
        return groups.stream().anyMatch(Group::attack);
    }

    /** Whether a flood sends in the interval. */
    boolean flooding(int second) {
        return groups.stream().anyMatch(g -> g.attack() && g.rate().at(second) > 0);
    }
}

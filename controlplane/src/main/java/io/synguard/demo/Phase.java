package io.synguard.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One stretch of the demo: its name, how long it lasts, and the flood sent meanwhile (null: none).
 * The names of a timeline differ, so its phases are distinct keys: the scoreboard counts visits by phase.
 */
record Phase(String name, Duration length, Attack attack) {
    /** The shortest demo: its floods last four seconds or more, the quiet stretches two. */
    static final Duration MINIMUM = Duration.ofSeconds(15);

    private static final int[] WEIGHTS = {2, 4, 3, 4, 3};

    /**
     * The demo's phases for a total duration: quiet, a botnet flood, quiet, a spoofed flood, quiet,
     * in whole seconds that add up to it. The quiet stretch after a flood is long enough, by default,
     * for synguard to call the attack over (five calm intervals).
     */
    static List<Phase> timeline(Duration total) {
        if (total.compareTo(MINIMUM) < 0) {
            throw new IllegalArgumentException("the demo needs at least " + MINIMUM.toSeconds() + " s, not "
                    + total.toSeconds() + " s");
        }
        String[] names = {"before", Attack.BOTNET.title, "after botnet", Attack.SPOOFED.title, "after spoofed"};
        Attack[] attacks = {null, Attack.BOTNET, null, Attack.SPOOFED, null};
        int sum = 0;
        for (int w : WEIGHTS) {
            sum += w;
        }
        List<Phase> phases = new ArrayList<>();
        long seconds = total.toSeconds();
        long start = 0;
        int weight = 0;
        for (int i = 0; i < WEIGHTS.length; i++) {
            weight += WEIGHTS[i];
            long end = Math.round((double) seconds * weight / sum);
            phases.add(new Phase(names[i], Duration.ofSeconds(end - start), attacks[i]));
            start = end;
        }
        return List.copyOf(phases);
    }

    @Override
    public String toString() {
        return name;
    }
}

package io.synguard.bench;

import io.synguard.config.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code benchmarks/run detection}: every {@link DetectionScenario} replayed through the real
 * detector and mitigator ({@link DetectionReplay}) with the default settings, a fresh daemon
 * learning first; per scenario the detection delay, the intervals wrongly under attack, the
 * legitimate sources blocked and the flood sources left unblocked, against the targets.
 */
@Command(name = "detection", description = {
        "Synthetic traces (steady busy host, diurnal ramp, step, flash crowd, single-source, botnet, spoofed, pulse, "
                + "low-and-slow, a flood while learning) replayed through the real detector and mitigator on an injected "
                + "clock, one second an interval; no root, no network.",
        "Deterministic: --rounds and --quick change nothing."})
final class DetectionSuite implements Callable<Integer> {
    @Mixin
    SuiteOptions options;

    @Override
    public Integer call() throws Exception {
        List<DetectionReplay.Outcome> outcomes = replayAll();
        List<String> missed = missedTargets(outcomes);
        options.publish(report(outcomes, missed), new Result(options.command()).with("scenarios", outcomes)
                .with("targets_met", missed.isEmpty()).with("targets_missed", missed));
        return missed.isEmpty() ? 0 : 1;
    }

    static List<DetectionReplay.Outcome> replayAll() {
        return DetectionScenario.all().stream().map(s -> DetectionReplay.run(s, Settings.DEFAULTS)).toList();
    }

    /**
     * The targets each outcome missed: no legitimate source blocked and no false-attack
     * interval anywhere; every flood detected within a second, and every flood source that can be
     * blocked blocked once.
     */
    static List<String> missedTargets(List<DetectionReplay.Outcome> outcomes) {
        List<String> missed = new ArrayList<>();
        for (DetectionReplay.Outcome o : outcomes) {
            if (o.legitBlocked() > 0) {
                missed.add(o.scenario() + ": " + o.legitBlocked() + " legitimate sources blocked");
            }
            if (o.falseAttackIntervals() > 0) {
                missed.add(o.scenario() + ": " + o.falseAttackIntervals() + " intervals wrongly under attack");
            }
            if (!o.flood()) {
                continue;
            }
            if (o.detectionDelayS() == null || o.detectionDelayS() > 1) {
                missed.add(o.scenario() + ": detected " + (o.detectionDelayS() == null ? "never"
                        : "after " + o.detectionDelayS() + " s"));
            }
            if (o.attackUnblocked() != null && o.attackUnblocked() > 0) {
                missed.add(o.scenario() + ": " + o.attackUnblocked() + " flood sources left unblocked");
            }
            if (o.attackUnblocked() != null && o.timesBlocked() != 1) {
                missed.add(o.scenario() + ": a flood source blocked " + o.timesBlocked() + " times");
            }
        }
        return missed;
    }

    private static String report(List<DetectionReplay.Outcome> outcomes, List<String> missed) {
        StringBuilder sb = new StringBuilder();
        sb.append("| scenario | detected after | false-attack intervals | attacks | legit blocked | flood sources unblocked"
                + " | times a flood source was blocked | replay |\n|---|---|---|---|---|---|---|---|\n");
        for (DetectionReplay.Outcome o : outcomes) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %s | %s | %d ms |%n", o.scenario(),
                    !o.flood() ? "no flood" : o.detectionDelayS() == null ? "never" : o.detectionDelayS() + " s",
                    o.falseAttackIntervals(), o.attacks(), o.legitBlocked(),
                    o.attackUnblocked() == null ? "n/a" : o.attackUnblocked().toString(),
                    o.attackUnblocked() == null ? "n/a" : Integer.toString(o.timesBlocked()), o.replayMs()));
        }
        sb.append(missed.isEmpty() ? "\nevery target met: no legitimate source blocked, no interval wrongly under"
                + " attack, every flood detected within 1 s (a flood while learning by the hard threshold), every"
                + " blockable flood source blocked, once\n" : "\ntargets missed:\n- " + String.join("\n- ", missed) + "\n");
        return sb.toString();
    }
}

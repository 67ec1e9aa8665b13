package io.synguard.demo;

import io.synguard.flood.FloodGenerator;
import io.synguard.net.Prefix;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The demo's verdict from what it saw: what synguard detected and when, what it blocked, how the
 * legitimate clients fared phase by phase, and the checks the demo passes or fails by.
 */
final class Summary {
    /** The legitimate clients' share of visits served during the floods that passes. */
    static final double SERVED_PERCENT = 95;
    /** The share of the spoofed SYNs synguard must answer with cookies: auto turns them on at detection, a second or two in. */
    static final double COOKIE_PERCENT = 50;

    record Check(boolean ok, String text) {}

    private final List<String> lines = new ArrayList<>();
    private final List<Check> checks = new ArrayList<>();

    /**
     * @param standing the blocks at the end
     * @param sent     what each flood sent, by attack
     */
    static Summary of(List<Phase> phases, List<Second> seconds, List<Second.Block> standing, Scoreboard board,
                      Map<Attack, FloodGenerator.Report> sent) {
        Summary s = new Summary();
        List<Second.Block> blocks = seconds.stream().flatMap(x -> x.newBlocks().stream()).toList();
        for (Phase p : phases) {
            if (p.attack() != null) {
                s.flood(p, seconds, blocks, standing, sent.get(p.attack()));
            }
        }
        s.clients(phases, board);
        s.noClientBlocked(blocks);
        return s;
    }

    private void flood(Phase phase, List<Second> seconds, List<Second.Block> blocks, List<Second.Block> standing,
                       FloodGenerator.Report report) {
        Attack a = phase.attack();
        List<Second> during = seconds.stream().filter(x -> x.phase() == phase).toList();
        long asked = a.rate * phase.length().toSeconds();
        long out = report == null ? 0 : report.sent();
        lines.add(String.format(Locale.ROOT, "%s: %s, %s SYN/s for %d s: %s SYNs sent%s", a.title, a.description,
                Lines.number(a.rate), phase.length().toSeconds(), Lines.number(out), out < asked * 9 / 10
                        ? " of " + Lines.number(asked) + " (the generator fell behind: a busy host)" : ""));
        OptionalLong detected = during.stream()
                .filter(x -> x.reading().flooded() && (a != Attack.SPOOFED || x.reading().randomSources()))
                .mapToLong(Second::intoPhase).findFirst();
        long syn = during.stream().mapToLong(x -> x.reading().synPps()).sum();
        long dropped = during.stream().mapToLong(x -> x.reading().droppedPps()).sum();
        String figures = String.format(Locale.ROOT, "  peak %s SYN/s; %.1f %% of the SYNs dropped in XDP%s",
                Lines.number(during.stream().mapToLong(x -> x.reading().synPps()).max().orElse(0)),
                syn == 0 ? 0.0 : 100.0 * dropped / syn, over(phase, seconds));
        if (a == Attack.BOTNET) {
            List<Second.Block> caught = blocks.stream().filter(b -> b.auto() && a.range.contains(b.prefix())).toList();
            OptionalLong firstBlock = during.stream()
                    .filter(x -> x.newBlocks().stream().anyMatch(b -> b.auto() && a.range.contains(b.prefix())))
                    .mapToLong(Second::intoPhase).findFirst();
            List<String> left = standing.stream().filter(b -> b.auto() && a.range.contains(b.prefix()))
                    .map(b -> b.prefix().toString()).toList();
            lines.add("  " + (detected.isPresent() ? "detected within " + detected.getAsLong() + " s" : "not detected")
                    + "; " + caught.size() + " automatic blocks" + (firstBlock.isPresent() ? ", the first within "
                    + firstBlock.getAsLong() + " s" : "") + (caught.size() > left.size()
                    ? " (hosts first, replaced by their /24 once enough of it offended)" : ""));
            lines.add("  blocked at the end: " + (left.isEmpty() ? "nothing" : String.join(", ", left)));
            lines.add(figures);
            check(detected.isPresent(), detected.isPresent()
                    ? "the botnet flood was detected within " + detected.getAsLong() + " s"
                    : "the botnet flood was not detected");
            check(!caught.isEmpty(), caught.isEmpty() ? "synguard blocked none of the botnet"
                    : "the botnet was blocked automatically: " + caught.size() + " blocks inside " + a.range);
        } else {
            long answered = cookiesSent(phase, seconds);
            double share = out == 0 ? 0 : 100.0 * answered / out;
            lines.add("  " + (detected.isPresent() ? "detected within " + detected.getAsLong() + " s as random sources:"
                    + " nothing to block one by one; synguard answered with SYN cookies from XDP"
                    : "not detected as random sources"));
            lines.add(figures);
            lines.add(String.format(Locale.ROOT, "  %s SYNs answered with cookies from XDP: %.1f %% of the spoofed ones",
                    Lines.number(answered), share));
            check(detected.isPresent(), detected.isPresent()
                    ? "the spoofed flood was recognised as random sources within " + detected.getAsLong() + " s"
                    : "the spoofed flood was not recognised as random sources");
            boolean ok = share >= COOKIE_PERCENT;
            check(ok, String.format(Locale.ROOT, "synguard answered %.1f %% of the spoofed SYNs with cookies from XDP"
                    + " (%s %.0f %%)", share, ok ? ">=" : "below", COOKIE_PERCENT));
        }
    }

    /**
     * SYNs answered with cookies during phase: the counter's rise from the look before it to the
     * first look after it (the flood's last frames land after the phase's last look).
     */
    private static long cookiesSent(Phase phase, List<Second> seconds) {
        long before = 0;
        long after = 0;
        boolean in = false;
        for (Second x : seconds) {
            if (x.phase() == phase) {
                in = true;
                after = x.reading().cookiesSent();
            } else if (!in) {
                before = x.reading().cookiesSent();
            } else {
                after = x.reading().cookiesSent();
                break;
            }
        }
        return Math.max(0, after - before);
    }

    /** When the attack was called over after the flood, if it was before the next flood or the end. */
    private static String over(Phase flood, List<Second> seconds) {
        long floodEnd = -1;
        for (Second x : seconds) {
            if (x.phase() == flood) {
                floodEnd = x.at();
            } else if (floodEnd >= 0) {
                if (x.phase().attack() != null) {
                    break;
                }
                if (!x.reading().attack()) {
                    return "; the attack was over " + (x.at() - floodEnd) + " s after the flood";
                }
            }
        }
        return "";
    }

    private void clients(List<Phase> phases, Scoreboard board) {
        lines.add("legitimate clients (" + Network.CLIENTS.size() + "; a visit is served when the greeting arrives within "
                + Clients.PATIENCE.toSeconds() + " s):");
        lines.add(String.format(Locale.ROOT, "  %-14s %13s %9s %9s %9s", "phase", "served", "share", "median", "p99"));
        List<Tally> floods = new ArrayList<>();
        for (Phase p : phases) {
            Tally t = board.tally(p);
            if (p.attack() != null) {
                floods.add(t);
            }
            lines.add(String.format(Locale.ROOT, "  %-14s %13s %7.1f %% %6.1f ms %6.1f ms", p.name(),
                    t.served() + "/" + t.tried(), t.servedPercent(), t.millis(0.5), t.millis(0.99)));
        }
        Tally during = Tally.of(floods);
        boolean ok = during.tried() > 0 && during.servedPercent() >= SERVED_PERCENT;
        check(ok, String.format(Locale.ROOT, "legitimate clients were served during the floods: %.1f %% of %d visits"
                + " (%s %.0f %%)", during.servedPercent(), during.tried(), ok ? ">=" : "below", SERVED_PERCENT));
    }

    private void noClientBlocked(List<Second.Block> blocks) {
        List<Prefix> hit = blocks.stream().map(Second.Block::prefix)
                .filter(b -> Network.CLIENTS.stream().anyMatch(c -> b.contains(Prefix.parse(c)))).toList();
        check(hit.isEmpty(), hit.isEmpty() ? "no legitimate client was blocked"
                : "legitimate clients were blocked: " + hit);
    }

    /** Adds the check that the demo left nothing behind. */
    void cleanup(List<String> leftovers) {
        check(leftovers.isEmpty(), leftovers.isEmpty() ? "nothing left behind: no namespace, mount, pin or file"
                : "left behind: " + String.join(", ", leftovers));
    }

    private void check(boolean ok, String text) {
        checks.add(new Check(ok, text));
    }

    List<Check> checks() {
        return List.copyOf(checks);
    }

    boolean passed() {
        return checks.stream().allMatch(Check::ok);
    }

    void printFindings(PrintWriter out) {
        lines.forEach(l -> out.println("  " + l));
        out.flush();
    }

    void printChecks(PrintWriter out) {
        for (Check c : checks) {
            out.println(c.ok() ? "  [ok]     " + c.text() : "  [FAILED] " + c.text());
        }
        out.flush();
    }
}

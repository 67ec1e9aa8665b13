package io.synguard.demo;

import io.synguard.flood.FloodGenerator;
import io.synguard.net.Prefix;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SummaryTest {
    private static final long THRESHOLD = 5_000;
    private static final Second.Reading QUIET = new Second.Reading(200, 50, 0, false, false, THRESHOLD, 0, false, 0);
    private static final Second.Reading TAIL = new Second.Reading(200, 50, 0, true, false, THRESHOLD, 2, false, 0);
    private static final Second.Reading BOTNET = new Second.Reading(150_000, 150_000, 149_000, true, false, THRESHOLD, 2, false, 0);
    private static final Second.Reading SPOOFED = new Second.Reading(50_000, 50_000, 0, true, true, THRESHOLD, 2, true, 0);

    /** 20 s: 3 quiet, 5 botnet, 3 quiet, 5 spoofed, 4 quiet. */
    private final List<Phase> phases = Phase.timeline(Duration.ofSeconds(20));
    private final Scoreboard board = new Scoreboard();
    private final List<Second> seconds = new ArrayList<>();
    private final List<Second.Block> standing = new ArrayList<>();
    private Second.Reading botnet = BOTNET;
    private Second.Reading spoofed = SPOOFED;
    private long spoofedSent = 250_000;
    /** SYNs answered with cookies each second of the spoofed flood: 80 % of them. */
    private long cookiesPerSecond = 40_000;
    /** The cookie counter before the demo: the pinned counters carry on from earlier runs. */
    private long cookiesBefore = 1_000;
    private List<Second.Block> botnetBlocks = List.of(auto("198.19.0.7/32"), auto("198.19.0.0/24"), auto("198.19.1.0/24"));

    private static Second.Block auto(String prefix) {
        return new Second.Block(Prefix.parse(prefix), "auto", "auto: 150000 SYN/s attack");
    }

    /** The demo as it went: every phase's seconds, the blocks in the botnet's second second. */
    private Summary summary(int servedDuringFloods) {
        long at = 0;
        long cookies = cookiesBefore;
        for (Phase p : phases) {
            for (long s = 1; s <= p.length().toSeconds(); s++) {
                Second.Reading r = p.attack() == Attack.BOTNET ? botnet : p.attack() == Attack.SPOOFED ? spoofed
                        : p.name().equals("before") ? QUIET : TAIL;
                cookies += p.attack() == Attack.SPOOFED ? cookiesPerSecond : 0;
                r = new Second.Reading(r.packetsPps(), r.synPps(), r.droppedPps(), r.attack(), r.randomSources(),
                        r.thresholdPps(), r.autoBlocks(), r.cookies(), cookies);
                List<Second.Block> fresh = p.attack() == Attack.BOTNET && s == 2 ? botnetBlocks : List.of();
                seconds.add(new Second(p, at + s, s, r, fresh, new Tally()));
            }
            at += p.length().toSeconds();
            for (int v = 0; v < 50; v++) {
                board.add(p, p.attack() == null || v < servedDuringFloods / 2, 1_000_000);
            }
        }
        botnetBlocks.stream().filter(b -> b.prefix().length() == 24).forEach(standing::add);
        return Summary.of(phases, seconds, standing, board, Map.of(
                Attack.BOTNET, new FloodGenerator.Report(750_000, 5_000_000_000L),
                Attack.SPOOFED, new FloodGenerator.Report(spoofedSent, 5_000_000_000L)));
    }

    private static List<String> failed(Summary s) {
        return s.checks().stream().filter(c -> !c.ok()).map(Summary.Check::text).toList();
    }

    @Test
    void aDemoThatWentAsItShouldPassesEveryCheck() {
        Summary s = summary(100);
        s.cleanup(List.of());
        assertEquals(List.of(), failed(s));
        assertEquals(List.of("the botnet flood was detected within 1 s",
                "the botnet was blocked automatically: 3 blocks inside 198.19.0.0/23",
                "the spoofed flood was recognised as random sources within 1 s",
                "synguard answered 80.0 % of the spoofed SYNs with cookies from XDP (>= 50 %)",
                "legitimate clients were served during the floods: 100.0 % of 100 visits (>= 95 %)",
                "no legitimate client was blocked",
                "nothing left behind: no namespace, mount, pin or file"),
                s.checks().stream().map(Summary.Check::text).toList());
        assertTrue(s.passed());

        StringWriter text = new StringWriter();
        s.printFindings(new PrintWriter(text));
        assertTrue(text.toString().contains("detected within 1 s; 3 automatic blocks, the first within 2 s (hosts"
                + " first, replaced by their /24 once enough of it offended)"), text.toString());
        assertTrue(text.toString().contains("blocked at the end: 198.19.0.0/24, 198.19.1.0/24"), text.toString());
        assertTrue(text.toString().contains("200,000 SYNs answered with cookies from XDP: 80.0 % of the spoofed ones"),
                text.toString());
    }

    @Test
    void tooFewSpoofedSynsAnsweredWithCookiesFails() {
        cookiesPerSecond = 20_000;
        assertEquals(List.of("synguard answered 40.0 % of the spoofed SYNs with cookies from XDP (below 50 %)"),
                failed(summary(100)));
    }

    @Test
    void theSpoofedFloodCountsAsRecognisedOnlyWhileSynguardSeesItOverTheThreshold() {
        // the botnet attack's calm tail said random sources; the spoofed flood never showed
        spoofed = new Second.Reading(200, 50, 0, true, true, THRESHOLD, 2, true, 0);
        Summary s = summary(100);
        assertEquals(List.of("the spoofed flood was not recognised as random sources"), failed(s));
    }

    @Test
    void aBotnetNeitherSeenNorBlockedFailsBothChecks() {
        botnet = new Second.Reading(150_000, 150_000, 0, false, false, THRESHOLD, 0, false, 0);
        botnetBlocks = List.of(auto("198.19.128.0/24"));
        assertEquals(List.of("the botnet flood was not detected", "synguard blocked none of the botnet"),
                failed(summary(100)));
    }

    @Test
    void aBlockedClientFails() {
        botnetBlocks = List.of(auto("198.19.0.0/24"), auto("198.18.1.0/24"));
        assertEquals(List.of("legitimate clients were blocked: [198.18.1.0/24]"), failed(summary(100)));
    }

    @Test
    void fewerThan95PercentServedDuringTheFloodsFails() {
        Summary s = summary(94);
        assertEquals(List.of("legitimate clients were served during the floods: 94.0 % of 100 visits (below 95 %)"),
                failed(s));
        assertFalse(s.passed());
    }

    @Test
    void aFloodTheGeneratorCouldNotKeepUpWithSaysSo() {
        spoofedSent = 100_000;
        StringWriter text = new StringWriter();
        summary(100).printFindings(new PrintWriter(text));
        assertTrue(text.toString().contains("50,000 SYN/s for 5 s: 100,000 SYNs sent of 250,000 (the generator fell"
                + " behind: a busy host)"), text.toString());
        assertTrue(text.toString().contains("150,000 SYN/s for 5 s: 750,000 SYNs sent\n"), text.toString());
    }

    @Test
    void anythingLeftBehindFails() {
        Summary s = summary(100);
        s.cleanup(List.of("namespace sgdemo-1-server"));
        assertEquals(List.of("left behind: namespace sgdemo-1-server"), failed(s));
    }
}

package io.synguard.detect;

import io.synguard.config.Settings;
import io.synguard.net.Prefix;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MitigatorTest {
    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    private final Mitigator mitigator = new Mitigator();
    private Settings.Detection settings = Settings.DEFAULTS.detection();
    private final Set<Prefix> blocked = new HashSet<>();
    private final List<Prefix> allows = new ArrayList<>();

    private static InetAddress ip(String text) {
        return InetAddress.ofLiteral(text);
    }

    private static Prefix p(String text) {
        return Prefix.parse(text);
    }

    private static Detector.Step attack(double synPps) {
        return new Detector.Step(NOW, new Rates(synPps, synPps, 0, 0), 100, 5000, NOW, false, false, synPps);
    }

    /** A source the rate limiter drops most of. */
    private static SourceRates.SourceRate offender(String address, double synPps) {
        return new SourceRates.SourceRate(ip(address), synPps, synPps - 100);
    }

    private Mitigator.Plan plan(Detector.Step step, List<SourceRates.SourceRate> sources, Collection<InetAddress> reported) {
        return mitigator.plan(step, sources, reported, settings, blocked::contains,
                p -> allows.stream().anyMatch(a -> a.contains(p)), wide -> 0);
    }

    private Mitigator.Plan plan(List<SourceRates.SourceRate> sources) {
        double total = sources.stream().mapToDouble(SourceRates.SourceRate::synPps).sum();
        return plan(attack(total), sources, List.of());
    }

    /** n offenders, the hosts first+0, first+1, ... of a /24 written "a.b.c." */
    private static List<SourceRates.SourceRate> offendersIn(String net, int first, int n) {
        List<SourceRates.SourceRate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(offender(net + (first + i), 20_000));
        }
        return out;
    }

    private void settings(int widenV4Len, int widenV6Len, int widenMinSources) {
        Settings.Detection d = Settings.DEFAULTS.detection();
        settings = new Settings.Detection(d.intervalMs(), d.minThresholdPps(), d.autoBlock(), d.autoBlockTtlS(),
                d.thresholdFactor(), widenV4Len, widenV6Len, widenMinSources, d.learningS(), d.hardThresholdPps());
    }

    @Test
    void nothingIsPlannedWithoutAnAttack() {
        Detector.Step calm = new Detector.Step(NOW, new Rates(100, 100, 0, 0), 100, 5000, null, false, false, 0);
        assertSame(Mitigator.Plan.NONE, plan(calm, List.of(offender("198.18.1.7", 50_000)), List.of(ip("198.18.1.8"))));
    }

    @Test
    void aSingleSourceFloodBlocksThatSource() {
        Mitigator.Plan plan = plan(List.of(offender("198.18.1.7", 50_000)));

        assertEquals(List.of(p("198.18.1.7/32")), plan.blocks());
        assertEquals(List.of(), plan.widened());
        assertFalse(plan.randomSources());
        assertEquals(1, plan.offenders());
    }

    @Test
    void anIpv6SourceIsBlockedAsA128() {
        assertEquals(List.of(p("2001:2::7/128")), plan(List.of(offender("2001:2::7", 50_000))).blocks());
    }

    @Test
    void aBusySourceTheRateLimiterDoesNotDropIsNoOffender() {
        SourceRates.SourceRate busy = new SourceRates.SourceRate(ip("198.18.1.9"), 90, 0);
        Mitigator.Plan plan = plan(attack(50_090), List.of(offender("198.18.1.7", 50_000), busy), List.of());
        assertEquals(List.of(p("198.18.1.7/32")), plan.blocks());
    }

    @Test
    void aReportedSourceIsAnOffenderEvenIfTheRateTableMissedIt() {
        Mitigator.Plan plan = plan(attack(50_000), List.of(offender("198.18.1.7", 50_000)), List.of(ip("198.18.2.8")));
        assertEquals(Set.of(p("198.18.1.7/32"), p("198.18.2.8/32")), Set.copyOf(plan.blocks()));
        assertEquals(2, plan.offenders());
    }

    @Test
    void enoughOffendersOfOneSlash24AreBlockedAsTheSlash24() {
        Mitigator.Plan plan = plan(offendersIn("198.18.1.", 1, settings.widenMinSources()));

        assertEquals(List.of(p("198.18.1.0/24")), plan.blocks());
        assertEquals(List.of(p("198.18.1.0/24")), plan.widened());
    }

    @Test
    void oneOffenderFewerAreBlockedOneByOne() {
        Mitigator.Plan plan = plan(offendersIn("198.18.1.", 1, settings.widenMinSources() - 1));

        assertEquals(settings.widenMinSources() - 1, plan.blocks().size());
        assertTrue(plan.blocks().stream().allMatch(b -> b.length() == 32), plan.blocks().toString());
        assertEquals(List.of(), plan.widened());
    }

    @Test
    void theWideningThresholdIsConfigurable() {
        settings(24, 64, 3);
        assertEquals(List.of(p("198.18.1.0/24")), plan(offendersIn("198.18.1.", 10, 3)).blocks());
    }

    @Test
    void theWideningLengthIsConfigurable() {
        settings(16, 64, 2);
        Mitigator.Plan plan = plan(List.of(offender("198.18.1.7", 20_000), offender("198.18.200.9", 20_000)));
        assertEquals(List.of(p("198.18.0.0/16")), plan.blocks());
    }

    @Test
    void enoughIpv6OffendersOfOneSlash64AreBlockedAsTheSlash64() {
        List<SourceRates.SourceRate> sources = new ArrayList<>();
        for (int i = 1; i <= settings.widenMinSources(); i++) {
            sources.add(offender("2001:2:0:1::" + Integer.toHexString(i * 4099), 20_000));
        }
        Mitigator.Plan plan = plan(sources);
        assertEquals(List.of(p("2001:2:0:1::/64")), plan.blocks());
        assertEquals(List.of(p("2001:2:0:1::/64")), plan.widened());
    }

    @Test
    void offendersSpreadOverPrefixesAreNotWidened() {
        List<SourceRates.SourceRate> sources = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sources.add(offender("198.18." + i + ".7", 20_000));
        }
        Mitigator.Plan plan = plan(sources);
        assertEquals(20, plan.blocks().size());
        assertEquals(List.of(), plan.widened());
    }

    @Test
    void hostsBlockedEarlierInAPrefixCountTowardsWidening() {
        int earlier = 3;
        Mitigator.Plan plan = mitigator.plan(attack(100_000), offendersIn("198.18.1.", 100, settings.widenMinSources() - earlier),
                List.of(), settings, blocked::contains, p -> false,
                wide -> wide.equals(p("198.18.1.0/24")) ? earlier : 0);
        assertEquals(List.of(p("198.18.1.0/24")), plan.blocks());
    }

    @Test
    void anAllowedSourceIsNeverBlocked() {
        allows.add(p("198.18.1.7/32"));
        Mitigator.Plan plan = plan(List.of(offender("198.18.1.7", 50_000), offender("198.18.2.7", 50_000)));

        assertEquals(List.of(p("198.18.2.7/32")), plan.blocks());
        assertEquals(1, plan.spared());
        assertEquals(2, plan.offenders());
    }

    @Test
    void aPrefixInsideAnAllowIsNeverWidenedTo() {
        allows.add(p("198.18.0.0/16"));
        Mitigator.Plan plan = plan(offendersIn("198.18.1.", 1, settings.widenMinSources() + 2));

        assertEquals(List.of(), plan.blocks());
        assertEquals(List.of(), plan.widened());
        assertEquals(settings.widenMinSources() + 2, plan.spared());
    }

    @Test
    void whatIsBlockedAlreadyIsNotBlockedAgain() {
        blocked.add(p("198.18.1.7/32"));
        Mitigator.Plan plan = plan(List.of(offender("198.18.1.7", 50_000), offender("198.18.2.7", 50_000)));
        assertEquals(List.of(p("198.18.2.7/32")), plan.blocks());
    }

    @Test
    void offendersInsideABlockedPrefixAreLeftToIt() {
        blocked.add(p("198.18.1.0/24"));
        assertEquals(List.of(), plan(offendersIn("198.18.1.", 1, 3)).blocks());
    }

    @Test
    void withAutoBlockOffNothingIsBlockedButOffendersAreCounted() {
        Settings.Detection d = Settings.DEFAULTS.detection();
        settings = new Settings.Detection(d.intervalMs(), d.minThresholdPps(), false, d.autoBlockTtlS(),
                d.thresholdFactor(), d.widenV4Len(), d.widenV6Len(), d.widenMinSources(), d.learningS(),
                d.hardThresholdPps());
        Mitigator.Plan plan = plan(List.of(offender("198.18.1.7", 50_000)));
        assertEquals(List.of(), plan.blocks());
        assertEquals(1, plan.offenders());
    }

    @Test
    void aSpoofedFloodFromRandomSourcesIsRecognisedAndFillsNoBlocklist() {
        // 200000 SYN/s from addresses seen once or twice each: the rate table holds a few thousand of
        // them, none over its rate, together a small share of the flood
        List<SourceRates.SourceRate> oneShots = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            oneShots.add(new SourceRates.SourceRate(ip("10." + (i >> 8) + "." + (i & 255) + ".1"), 1 + i % 2, 0));
        }
        Mitigator.Plan plan = plan(attack(200_000), oneShots, List.of());

        assertTrue(plan.randomSources());
        assertEquals(List.of(), plan.blocks());
        assertEquals(0, plan.offenders());
    }

    @Test
    void aSpoofedFloodStillBlocksTheRealOffendersInIt() {
        List<SourceRates.SourceRate> sources = new ArrayList<>();
        sources.add(offender("198.18.1.7", 5_000));
        for (int i = 0; i < 1_000; i++) {
            sources.add(new SourceRates.SourceRate(ip("10.0." + (i >> 8) + "." + (i & 255)), 1, 0));
        }
        Mitigator.Plan plan = plan(attack(200_000), sources, List.of());

        assertTrue(plan.randomSources());
        assertEquals(List.of(p("198.18.1.7/32")), plan.blocks());
    }

    @Test
    void anAttacksCalmTailIsNotCalledRandomForTheClientsSynsInIt() {
        // the flood is gone; the attack lasts until five calm intervals; 50 SYN/s from clients the
        // rate table does not track are no random-source flood
        Detector.Step tail = new Detector.Step(NOW, new Rates(60, 50, 0, 0), 100, 5000, NOW, false, false, 150_000);
        assertFalse(plan(tail, List.of(), List.of()).randomSources());
        assertTrue(plan(attack(2_500), List.of(), List.of()).randomSources(), "half the threshold is a flood still");
    }

    @Test
    void aFloodTheTrackedSourcesExplainIsNotRandom() {
        Mitigator.Plan plan = plan(attack(100_000), offendersIn("198.18.1.", 1, 2), List.of());
        assertFalse(plan.randomSources());
    }

    @Test
    void aFloodTheBlocklistAlreadyDropsIsNotRandom() {
        // the attacker was blocked last interval: its SYNs no longer reach the rate table
        Detector.Step blockedFlood = new Detector.Step(NOW, new Rates(40_000, 40_000, 39_900, 39_900), 100, 5000,
                NOW, false, false, 40_000);
        assertFalse(plan(blockedFlood, List.of(), List.of()).randomSources());
    }

    @Test
    void atMostTheCapIsBlockedInOneInterval() {
        List<SourceRates.SourceRate> sources = new ArrayList<>();
        for (int i = 0; i < Mitigator.MAX_PER_INTERVAL + 500; i++) {
            sources.add(offender("10." + (i >> 8 & 255) + "." + (i & 255) + ".1", 200));
        }
        Mitigator.Plan plan = plan(sources);

        assertEquals(Mitigator.MAX_PER_INTERVAL, plan.blocks().size());
        assertEquals(Mitigator.MAX_PER_INTERVAL + 500, plan.offenders());
    }

    @Test
    void theFirstOffendersGoFirstAndPastTheCapThePolicyIsNotAsked() {
        List<SourceRates.SourceRate> sources = new ArrayList<>();
        for (int i = 0; i < 4 * Mitigator.MAX_PER_INTERVAL; i++) {
            sources.add(offender("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 200));
        }
        settings(24, 64, 1_000_000); // no widening: every offender is a host block
        int[] asked = {0};
        Mitigator.Plan plan = mitigator.plan(attack(8_000_000), sources, List.of(), settings, p -> {
            asked[0]++;
            return false;
        }, p -> false, wide -> 0);

        assertEquals(sources.subList(0, Mitigator.MAX_PER_INTERVAL).stream().map(s -> Prefix.host(s.address())).toList(),
                plan.blocks());
        assertEquals(4 * Mitigator.MAX_PER_INTERVAL, plan.offenders());
        assertTrue(asked[0] <= 3 * Mitigator.MAX_PER_INTERVAL, "asked " + asked[0] + " times");
    }

    @Test
    void aSourceBothTrackedAndReportedIsOneOffender() {
        Mitigator.Plan plan = plan(attack(50_000), List.of(offender("198.18.1.7", 50_000)),
                List.of(ip("198.18.1.7"), ip("198.18.1.8"), ip("198.18.1.8")));
        assertEquals(2, plan.offenders());
        assertEquals(Set.of(p("198.18.1.7/32"), p("198.18.1.8/32")), Set.copyOf(plan.blocks()));
    }
}

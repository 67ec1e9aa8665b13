package io.synguard.policy;

import io.synguard.config.Settings;
import io.synguard.dataplane.Rule;
import io.synguard.dataplane.RuleTableFullException;
import io.synguard.net.Prefix;
import io.synguard.state.Journal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static io.synguard.dataplane.RuleKind.ALLOW;
import static io.synguard.dataplane.RuleKind.BLOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyTest {
    private static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    Path dir;

    private final FakeTime time = new FakeTime();
    @RegisterExtension
    final JournaledPolicies policies = new JournaledPolicies(time);
    private FakeRuleStore kernel;
    private Policy policy;

    @BeforeEach
    void start() {
        kernel = new FakeRuleStore();
        policy = newPolicy(kernel);
        policy.restore(Settings.DEFAULTS);
    }

    @Test
    void theChangeCountMovesWithEveryChangeToTheListsAndOnlyThen() {
        long c = policy.changes();
        policy.put(BLOCK, p("198.18.1.0/24"), HOUR, null, Origin.OPERATOR);
        assertTrue(policy.changes() > c, "put");
        c = policy.changes();
        policy.putAll(BLOCK, List.of(new Policy.Request(p("198.18.2.0/24"), HOUR, null)), Origin.AUTO);
        assertTrue(policy.changes() > c, "putAll");
        c = policy.changes();
        policy.adoptAll(List.of(new Entry(BLOCK, p("198.18.3.0/24"), Origin.FLEET, null, time.instant(), null,
                "edge-2")));
        assertTrue(policy.changes() > c, "adoptAll");
        c = policy.changes();
        policy.retract(BLOCK, p("198.18.3.0/24"), time.instant());
        assertTrue(policy.changes() > c, "retract");
        c = policy.changes();
        policy.remove(BLOCK, p("198.18.2.0/24"));
        assertTrue(policy.changes() > c, "remove");
        c = policy.changes();
        sweepAfter(HOUR.plusSeconds(1));
        assertTrue(policy.changes() > c, "expiry");
        c = policy.changes();
        policy.remove(BLOCK, p("198.18.9.0/24"));
        policy.saveSettings(Settings.DEFAULTS);
        listed(policy);
        assertEquals(c, policy.changes(), "nothing changed");
    }

    /** A policy on the journal in dir, as a (re)started daemon makes one; snapshots are written at once. */
    private Policy newPolicy(RuleStore store) {
        return policies.open(store, dir);
    }

    /** A new daemon on the same state directory, the old one gone without closing anything (kill -9). */
    private Policy.Restored restart(FakeRuleStore kernelAfter) {
        kernel = kernelAfter;
        policy = newPolicy(kernelAfter);
        return policy.restore(Settings.DEFAULTS);
    }

    /** The journal the current policy writes. */
    private Journal journal() {
        return policies.last();
    }

    /** The clock moves on by wait and the sweep runs; what it expired. */
    private int sweepAfter(Duration wait) {
        time.advance(wait);
        return policy.expire();
    }

    /** Every block policy lists, as it iterates them. */
    private static List<Policy.Listed> listed(Policy policy) {
        List<Policy.Listed> all = new ArrayList<>();
        policy.each(BLOCK).forEach(all::add);
        return all;
    }

    private static Prefix p(String text) {
        return Prefix.parse(text);
    }

    /** count requests for the addresses 198.18.0.0 + from, + from + 1, ... */
    private static List<Policy.Request> requests(int from, int count, Duration ttl, String reason) {
        List<Policy.Request> requests = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            requests.add(new Policy.Request(p("198.18." + i / 256 + "." + i % 256), ttl, reason));
        }
        return requests;
    }

    // ---- put, replace, remove ------------------------------------------------------------------

    @Test
    void aBlockReachesTheDataPlaneWithItsExpiry() {
        Policy.Change c = policy.put(BLOCK, p("198.18.1.7/24"), HOUR, "abuse ticket 42", Origin.OPERATOR);

        assertNull(c.before());
        Entry e = c.after();
        assertEquals(p("198.18.1.0/24"), e.prefix());
        assertEquals("abuse ticket 42", e.reason());
        assertEquals(Origin.OPERATOR, e.origin());
        assertEquals(time.instant(), e.created());
        assertEquals(time.instant().plus(HOUR), e.expires());
        Rule r = kernel.get(BLOCK, "198.18.1.0/24");
        assertFalse(r.auto());
        assertEquals(time.instant().plus(HOUR), r.expires());
        assertEquals(e, policy.get(BLOCK, p("198.18.1.0/24")).orElseThrow());
    }

    @Test
    void anAutoBlockIsMarkedAutoInTheDataPlane() {
        policy.put(BLOCK, p("198.18.1.7"), HOUR, "auto", Origin.AUTO);
        assertTrue(kernel.get(BLOCK, "198.18.1.7/32").auto());
    }

    @Test
    void puttingAnExistingPrefixReplacesItsTtlAndReason() {
        Entry first = policy.put(BLOCK, p("198.18.1.0/24"), HOUR, "first", Origin.OPERATOR).after();
        time.advance(Duration.ofMinutes(5));
        Policy.Change c = policy.put(BLOCK, p("198.18.1.0/24"), Duration.ofDays(1), "second", Origin.OPERATOR);

        assertEquals(first, c.before());
        assertEquals("second", c.after().reason());
        assertEquals(time.instant().plus(Duration.ofDays(1)), kernel.get(BLOCK, "198.18.1.0/24").expires());
        assertEquals(1, policy.size(BLOCK));
        assertEquals(1, kernel.size(BLOCK));
    }

    @Test
    void replacingATtlWithNoneMakesTheEntryPermanent() {
        policy.put(BLOCK, p("198.18.1.0/24"), HOUR, null, Origin.OPERATOR);
        policy.put(BLOCK, p("198.18.1.0/24"), null, null, Origin.OPERATOR);
        sweepAfter(HOUR.plusMinutes(1));
        assertTrue(kernel.has(BLOCK, "198.18.1.0/24"));
        assertNull(kernel.get(BLOCK, "198.18.1.0/24").expires());
    }

    @Test
    void removingTakesAnEntryOutOfTheDataPlane() {
        Entry put = policy.put(BLOCK, p("198.18.1.0/24"), HOUR, "x", Origin.OPERATOR).after();

        assertEquals(put, policy.remove(BLOCK, p("198.18.1.0/24")).orElseThrow());
        assertFalse(kernel.has(BLOCK, "198.18.1.0/24"));
        assertTrue(policy.get(BLOCK, p("198.18.1.0/24")).isEmpty());
        assertTrue(policy.remove(BLOCK, p("198.18.1.0/24")).isEmpty());
    }

    @Test
    void removingWhatThereIsNoneOfFindsNothing() {
        policy.put(BLOCK, p("198.18.1.0/24"), null, null, Origin.OPERATOR);
        assertTrue(policy.remove(BLOCK, p("198.18.2.0/24")).isEmpty());
        assertTrue(policy.remove(ALLOW, p("198.18.1.0/24")).isEmpty());
        assertTrue(kernel.has(BLOCK, "198.18.1.0/24"));
    }

    @Test
    void blocksAndAllowsAreSeparateLists() {
        policy.put(BLOCK, p("198.18.1.0/24"), null, null, Origin.OPERATOR);
        policy.put(ALLOW, p("198.18.1.0/24"), null, null, Origin.OPERATOR);
        policy.remove(ALLOW, p("198.18.1.0/24"));
        assertTrue(kernel.has(BLOCK, "198.18.1.0/24"));
        assertTrue(policy.blocked(p("198.18.1.0/24")));
    }

    @Test
    void aBulkImportPutsEveryEntryInOneGo() {
        int n = policy.putAll(BLOCK, List.of(
                new Policy.Request(p("198.18.1.0/24"), HOUR, "a"),
                new Policy.Request(p("2001:2::/48"), null, "b")), Origin.OPERATOR);

        assertEquals(2, n);
        assertEquals(time.instant().plus(HOUR), kernel.get(BLOCK, "198.18.1.0/24").expires());
        assertNull(kernel.get(BLOCK, "2001:2::/48").expires());
        assertEquals("b", policy.get(BLOCK, p("2001:2::/48")).orElseThrow().reason());
    }

    @Test
    void aDetectorsTenThousandBlocksOfOneIntervalAreForcedToDiskOnce() {
        List<Policy.Request> tick = requests(0, 10_000, Duration.ofSeconds(600), "auto");
        long syncs = journal().syncs();

        assertEquals(10_000, policy.putAll(BLOCK, tick, Origin.AUTO));

        assertEquals(1, journal().syncs() - syncs);
        assertEquals(10_000, kernel.size(BLOCK));
        assertTrue(kernel.get(BLOCK, "198.18.39.15/32").auto());
        assertEquals(10_000, restart(new FakeRuleStore()).blocks());
    }

    /** On a restart with room for three rules, five blocks of origin put at once do not fit. */
    private void fiveBlocksIntoATableOfThree(Origin origin, String reason) {
        restart(new FakeRuleStore(3));
        List<Policy.Request> five = requests(1, 5, HOUR, reason);

        assertThrows(RuleTableFullException.class, () -> policy.putAll(BLOCK, five, origin));
    }

    @Test
    void aDetectorsBlocksThatDoNotAllFitGoInUntilTheTableIsFull() {
        fiveBlocksIntoATableOfThree(Origin.AUTO, "auto");

        assertEquals(List.of(p("198.18.0.1"), p("198.18.0.2"), p("198.18.0.3")),
                listed(policy).stream().map(l -> l.entry().prefix()).sorted().toList());
        assertEquals(3, restart(new FakeRuleStore()).blocks());
    }

    @Test
    void anOperatorsBulkImportThatDoesNotFitChangesNothing() {
        fiveBlocksIntoATableOfThree(Origin.OPERATOR, "import");

        assertEquals(0, policy.size(BLOCK));
        assertEquals(0, restart(new FakeRuleStore()).blocks());
    }

    @Test
    void everyOperatorPutIsForcedToDiskBeforeItReturns() {
        long syncs = journal().syncs();
        policy.put(BLOCK, p("198.18.1.0/24"), null, null, Origin.OPERATOR);
        assertEquals(1, journal().syncs() - syncs);
        policy.put(ALLOW, p("198.18.2.0/24"), null, null, Origin.OPERATOR);
        assertEquals(2, journal().syncs() - syncs);
    }

    @Test
    void aBatchOfAutoBlocksLeavesOutTheAllowedOnes() {
        policy.put(ALLOW, p("198.18.0.0/16"), null, null, Origin.OPERATOR);

        int added = policy.putAll(BLOCK, List.of(new Policy.Request(p("198.18.1.7"), HOUR, "auto"),
                new Policy.Request(p("198.19.1.7"), HOUR, "auto")), Origin.AUTO);

        assertEquals(1, added);
        assertFalse(kernel.has(BLOCK, "198.18.1.7/32"));
        assertTrue(kernel.has(BLOCK, "198.19.1.7/32"));
        assertEquals(1, restart(kernel).blocks());
    }

    @Test
    void aListingIsInAddressOrderWithItsHits() {
        policy.put(BLOCK, p("2001:2::/48"), null, null, Origin.OPERATOR);
        policy.put(BLOCK, p("198.18.2.0/24"), null, null, Origin.OPERATOR);
        policy.put(BLOCK, p("198.18.1.0/24"), null, null, Origin.AUTO);
        kernel.setHits(BLOCK, "198.18.2.0/24", 1234);

        List<Policy.Listed> listed = listed(policy);
        assertEquals(List.of(p("198.18.1.0/24"), p("198.18.2.0/24"), p("2001:2::/48")),
                listed.stream().map(l -> l.entry().prefix()).toList());
        assertEquals(1234, listed.get(1).hits());
        assertEquals(Map.of(Origin.OPERATOR, 2L, Origin.AUTO, 1L), policy.countByOrigin(BLOCK));
    }

    @Test
    void aListIsReadAsItIsIteratedNotAllAtOnce() {
        policy.putAll(BLOCK, requests(0, 10_000, HOUR, null), Origin.AUTO);
        Iterator<Policy.Listed> it = policy.each(BLOCK).iterator();

        assertEquals(p("198.18.0.0/32"), it.next().entry().prefix());
        policy.remove(BLOCK, p("198.18.39.15/32")); // the last, in a chunk not read yet
        int seen = 1;
        Prefix last = null;
        while (it.hasNext()) {
            last = it.next().entry().prefix();
            seen++;
        }
        assertEquals(9_999, seen, "an entry gone before its chunk was read is left out");
        assertEquals(p("198.18.39.14/32"), last);
    }

    // ---- expiry --------------------------------------------------------------------------------

    @Test
    void anEntryLeavesTheDataPlaneOnceItsTtlHasPassed() {
        policy.put(BLOCK, p("198.18.1.7"), Duration.ofSeconds(600), "auto", Origin.AUTO);

        sweepAfter(Duration.ofSeconds(599));
        assertTrue(kernel.has(BLOCK, "198.18.1.7/32"));
        assertTrue(policy.blocked(p("198.18.1.7")));

        sweepAfter(Duration.ofSeconds(1));
        assertFalse(kernel.has(BLOCK, "198.18.1.7/32"));
        assertFalse(policy.blocked(p("198.18.1.7")));
        assertEquals(0, policy.size(BLOCK));
    }

    @Test
    void theSweepCountsWhatItExpired() {
        policy.put(BLOCK, p("198.18.1.7"), Duration.ofSeconds(10), null, Origin.AUTO);
        policy.put(BLOCK, p("198.18.1.8"), Duration.ofSeconds(10), null, Origin.AUTO);
        policy.put(ALLOW, p("198.18.9.0/24"), Duration.ofSeconds(5), null, Origin.OPERATOR);
        policy.put(BLOCK, p("198.18.1.9"), Duration.ofSeconds(30), null, Origin.AUTO);

        assertEquals(3, sweepAfter(Duration.ofSeconds(10)));
        assertEquals(0, policy.expire());
        assertEquals(1, kernel.size(BLOCK));
        assertEquals(0, kernel.size(ALLOW));
    }

    @Test
    void manyEntriesLapseEachAtItsOwnTime() {
        for (int i = 1; i <= 60; i++) {
            policy.put(BLOCK, p("198.18.1." + i), Duration.ofSeconds(i), null, Origin.AUTO);
        }
        for (int s = 1; s <= 60; s++) {
            sweepAfter(Duration.ofSeconds(1));
            assertEquals(60 - s, kernel.size(BLOCK), "after " + s + "s");
        }
    }

    @Test
    void permanentEntriesNeverExpire() {
        policy.put(BLOCK, p("198.18.1.0/24"), null, null, Origin.OPERATOR);
        policy.put(ALLOW, p("198.18.2.0/24"), null, null, Origin.OPERATOR);

        sweepAfter(Duration.ofDays(3650));

        assertTrue(kernel.has(BLOCK, "198.18.1.0/24"));
        assertTrue(kernel.has(ALLOW, "198.18.2.0/24"));
        assertTrue(policy.blocked(p("198.18.1.0/24")));
        assertTrue(policy.allowed(p("198.18.2.1")));
    }

    @Test
    void reblockingAPrefixWhoseBlockHasJustLapsedKeepsTheNewBlockInTheDataPlane() {
        policy.put(BLOCK, p("198.18.1.7"), Duration.ofSeconds(10), "auto", Origin.AUTO);
        time.advance(Duration.ofSeconds(10)); // lapsed, the sweep has not run yet

        policy.put(BLOCK, p("198.18.1.7"), Duration.ofSeconds(600), "auto again", Origin.AUTO);

        assertTrue(kernel.has(BLOCK, "198.18.1.7/32"));
        assertTrue(policy.blocked(p("198.18.1.7")));
        policy.expire();
        assertTrue(kernel.has(BLOCK, "198.18.1.7/32"));
    }

    @Test
    void reimportingAPrefixWhoseBlockHasJustLapsedKeepsTheNewBlockInTheDataPlane() {
        policy.put(BLOCK, p("198.18.1.7"), Duration.ofSeconds(10), null, Origin.OPERATOR);
        time.advance(Duration.ofSeconds(10)); // lapsed, the sweep has not run yet

        policy.putAll(BLOCK, List.of(new Policy.Request(p("198.18.1.7"), HOUR, "again")), Origin.OPERATOR);

        assertTrue(kernel.has(BLOCK, "198.18.1.7/32"));
        assertTrue(policy.blocked(p("198.18.1.7")));
        assertEquals(1, policy.expire()); // the lapsed one
        assertTrue(kernel.has(BLOCK, "198.18.1.7/32"));
    }

    @Test
    void theSweepFindsWhatIsDueWhateverOrderTheEntriesCameIn() {
        policy.put(BLOCK, p("198.18.1.40"), Duration.ofSeconds(40), null, Origin.AUTO);
        time.advance(Duration.ofSeconds(1));
        policy.put(BLOCK, p("198.18.1.30"), Duration.ofSeconds(29), null, Origin.AUTO);
        policy.put(BLOCK, p("198.18.1.10"), Duration.ofSeconds(9), null, Origin.AUTO);

        assertSweptAfter(Duration.ofSeconds(9), "198.18.1.10/32", "198.18.1.30/32");
        assertSweptAfter(Duration.ofSeconds(20), "198.18.1.30/32", "198.18.1.40/32");
    }

    /** After wait, the sweep takes out the block on gone, alone, and leaves the one on stays. */
    private void assertSweptAfter(Duration wait, String gone, String stays) {
        assertEquals(1, sweepAfter(wait));
        assertFalse(kernel.has(BLOCK, gone));
        assertTrue(kernel.has(BLOCK, stays));
    }

    @Test
    void aRemovedOrReplacedEntryIsNotExpiredAtItsOldTime() {
        policy.put(BLOCK, p("198.18.1.7"), Duration.ofSeconds(10), null, Origin.AUTO);
        policy.put(BLOCK, p("198.18.1.7"), Duration.ofSeconds(60), null, Origin.AUTO);
        policy.put(BLOCK, p("198.18.1.8"), Duration.ofSeconds(10), null, Origin.AUTO);
        policy.remove(BLOCK, p("198.18.1.8"));
        policy.put(BLOCK, p("198.18.1.8"), null, null, Origin.OPERATOR);

        time.advance(Duration.ofSeconds(10));

        assertEquals(0, policy.expire());
        assertTrue(kernel.has(BLOCK, "198.18.1.7/32"));
        assertTrue(kernel.has(BLOCK, "198.18.1.8/32"));
    }

    @Test
    void questionsDoNotSeeALapsedEntryNorTakeItOutOfTheDataPlane() {
        policy.put(BLOCK, p("198.18.1.7"), Duration.ofSeconds(10), null, Origin.AUTO);
        policy.put(ALLOW, p("198.18.9.0/24"), Duration.ofSeconds(10), null, Origin.OPERATOR);
        time.advance(Duration.ofSeconds(10)); // lapsed, the sweep has not run yet

        assertTrue(policy.get(BLOCK, p("198.18.1.7")).isEmpty());
        assertFalse(policy.blocked(p("198.18.1.7")));
        assertFalse(policy.allowed(p("198.18.9.1")));
        assertEquals(List.of(), listed(policy));
        assertEquals(0L, policy.countByOrigin(BLOCK).get(Origin.AUTO));
        assertTrue(kernel.has(BLOCK, "198.18.1.7/32"));
        assertTrue(kernel.has(ALLOW, "198.18.9.0/24"));

        assertEquals(2, policy.expire());
        assertFalse(kernel.has(BLOCK, "198.18.1.7/32"));
        assertFalse(kernel.has(ALLOW, "198.18.9.0/24"));
    }

    // ---- questions -----------------------------------------------------------------------------

    @Test
    void allowedMeansSomeAllowContainsThePrefix() {
        policy.put(ALLOW, p("198.18.0.0/16"), null, null, Origin.OPERATOR);
        policy.put(ALLOW, p("2001:2::/48"), null, null, Origin.OPERATOR);

        assertTrue(policy.allowed(p("198.18.1.7")));
        assertTrue(policy.allowed(p("198.18.1.0/24")));
        assertTrue(policy.allowed(p("198.18.0.0/16")));
        assertFalse(policy.allowed(p("198.18.0.0/15")));
        assertFalse(policy.allowed(p("198.19.0.1")));
        assertTrue(policy.allowed(p("2001:2::1")));
        assertFalse(policy.allowed(p("2001:3::1")));
        assertFalse(policy.allowed(p("::c612:107"))); // 198.18.1.7's bits, as IPv6
    }

    @Test
    void anAllowRemovedOrLapsedNoLongerAllows() {
        policy.put(ALLOW, p("198.18.0.0/16"), null, null, Origin.OPERATOR);
        policy.put(ALLOW, p("198.19.0.0/16"), Duration.ofSeconds(60), null, Origin.OPERATOR);

        policy.remove(ALLOW, p("198.18.0.0/16"));
        sweepAfter(Duration.ofSeconds(60));

        assertFalse(policy.allowed(p("198.18.1.7")));
        assertFalse(policy.allowed(p("198.19.1.7")));
    }

    @Test
    void aLapsedAllowYieldsToAShorterOneThatHolds() {
        policy.put(ALLOW, p("198.18.0.0/16"), null, null, Origin.OPERATOR);
        policy.put(ALLOW, p("198.18.1.0/24"), Duration.ofSeconds(10), null, Origin.OPERATOR);
        time.advance(Duration.ofSeconds(10)); // the /24 lapsed, the sweep has not run yet

        assertTrue(policy.allowed(p("198.18.1.7")));
        policy.remove(ALLOW, p("198.18.0.0/16"));
        assertFalse(policy.allowed(p("198.18.1.7")));
    }

    @Test
    void anAllowReplacedIsCountedOnce() {
        policy.put(ALLOW, p("198.18.0.0/16"), null, "a", Origin.OPERATOR);
        policy.put(ALLOW, p("198.18.0.0/16"), null, "b", Origin.OPERATOR);
        policy.remove(ALLOW, p("198.18.0.0/16"));
        assertFalse(policy.allowed(p("198.18.1.7")));
    }

    @Test
    void anAutoBlockInsideAnAllowIsRefused() {
        policy.put(ALLOW, p("198.18.0.0/16"), null, null, Origin.OPERATOR);

        Policy.Change c = policy.put(BLOCK, p("198.18.1.7"), HOUR, "auto", Origin.AUTO);

        assertNull(c.after());
        assertFalse(kernel.has(BLOCK, "198.18.1.7/32"));
        assertFalse(policy.blocked(p("198.18.1.7")));
        assertEquals(0, restart(kernel).blocks());
    }

    @Test
    void anOperatorMayBlockInsideAnAllowWhichStillWins() {
        policy.put(ALLOW, p("198.18.0.0/16"), null, null, Origin.OPERATOR);
        policy.put(BLOCK, p("198.18.1.7"), HOUR, "ticket", Origin.OPERATOR);
        assertTrue(kernel.has(BLOCK, "198.18.1.7/32"));
    }

    @Test
    void anAutoBlockBesideAnAllowGoesIn() {
        policy.put(ALLOW, p("198.18.1.8"), null, null, Origin.OPERATOR);
        policy.put(BLOCK, p("198.18.1.7"), HOUR, "auto", Origin.AUTO);
        assertTrue(kernel.has(BLOCK, "198.18.1.7/32"));
    }

    @Test
    void blockedMeansABlockOfItsOwn() {
        policy.put(BLOCK, p("198.18.1.0/24"), null, null, Origin.OPERATOR);
        assertTrue(policy.blocked(p("198.18.1.0/24")));
        assertFalse(policy.blocked(p("198.18.1.7")));
        assertFalse(policy.blocked(p("198.18.0.0/16")));
    }

    // ---- restart -------------------------------------------------------------------------------

    @Test
    void aRestartKeepsEveryAcknowledgedChange() {
        policy.put(BLOCK, p("198.18.1.0/24"), HOUR, "abuse ticket 42", Origin.OPERATOR);
        policy.put(BLOCK, p("198.18.2.0/24"), null, null, Origin.OPERATOR);
        policy.put(BLOCK, p("198.18.3.7"), HOUR, "auto", Origin.AUTO);
        policy.put(ALLOW, p("2001:2::/48"), null, "lab", Origin.OPERATOR);
        policy.remove(BLOCK, p("198.18.2.0/24"));
        Entry kept = policy.get(BLOCK, p("198.18.1.0/24")).orElseThrow();

        Policy.Restored r = restart(kernel); // the kernel's pinned maps outlived the daemon

        assertEquals(0, r.reinstated());
        assertEquals(0, r.adopted());
        assertEquals(2, r.blocks());
        assertEquals(1, r.allows());
        assertEquals(kept, policy.get(BLOCK, p("198.18.1.0/24")).orElseThrow());
        assertEquals(Origin.AUTO, policy.get(BLOCK, p("198.18.3.7")).orElseThrow().origin());
        assertTrue(policy.get(BLOCK, p("198.18.2.0/24")).isEmpty());
        assertEquals("lab", policy.get(ALLOW, p("2001:2::/48")).orElseThrow().reason());
        assertTrue(policy.allowed(p("2001:2::1")));
    }

    @Test
    void afterARebootWhatTheJournalHoldsGoesBackIntoTheEmptyDataPlane() {
        policy.put(BLOCK, p("198.18.1.0/24"), HOUR, "x", Origin.OPERATOR);
        policy.put(BLOCK, p("198.18.3.7"), HOUR, "auto", Origin.AUTO);
        policy.put(ALLOW, p("198.18.9.0/24"), null, null, Origin.OPERATOR);

        Policy.Restored r = restart(new FakeRuleStore());

        assertEquals(3, r.reinstated());
        Rule block = kernel.get(BLOCK, "198.18.1.0/24");
        assertEquals(time.instant().plus(HOUR), block.expires());
        assertFalse(block.auto());
        assertTrue(kernel.get(BLOCK, "198.18.3.7/32").auto());
        assertTrue(kernel.has(ALLOW, "198.18.9.0/24"));
    }

    @Test
    void entriesWhoseTtlLapsedWhileDownAreDropped() {
        policy.put(BLOCK, p("198.18.1.0/24"), Duration.ofMinutes(10), null, Origin.OPERATOR);
        policy.put(ALLOW, p("198.18.9.0/24"), Duration.ofMinutes(10), null, Origin.OPERATOR);
        policy.put(BLOCK, p("198.18.2.0/24"), Duration.ofMinutes(30), null, Origin.OPERATOR);
        FakeRuleStore kept = kernel;
        time.advance(Duration.ofMinutes(20));

        Policy.Restored r = restart(kept);

        assertFalse(kernel.has(BLOCK, "198.18.1.0/24"));
        assertFalse(kernel.has(ALLOW, "198.18.9.0/24"));
        assertTrue(kernel.has(BLOCK, "198.18.2.0/24"));
        assertTrue(policy.get(BLOCK, p("198.18.1.0/24")).isEmpty());
        assertFalse(policy.allowed(p("198.18.9.1")));
        assertEquals(2, r.lapsed());
        assertEquals(1, r.blocks());
        assertEquals(0, r.allows());
    }

    @Test
    void lapsedEntriesAreNotReinstatedAfterAReboot() {
        policy.put(BLOCK, p("198.18.1.0/24"), Duration.ofMinutes(10), null, Origin.OPERATOR);
        time.advance(Duration.ofMinutes(20));

        Policy.Restored r = restart(new FakeRuleStore());

        assertEquals(0, r.reinstated());
        assertEquals(0, kernel.size(BLOCK));
        assertEquals(0, r.blocks());
    }

    @Test
    void whatTheDataPlaneHoldsAndTheJournalLacksIsAdopted() {
        FakeRuleStore pinned = new FakeRuleStore();
        // enforced, then the daemon died before it was journaled
        pinned.put(BLOCK, p("198.18.5.0/24"), true, time.instant().plus(HOUR));
        pinned.put(ALLOW, p("198.18.6.0/24"), false, null);

        Policy.Restored r = restart(pinned);

        assertEquals(2, r.adopted());
        Entry adopted = policy.get(BLOCK, p("198.18.5.0/24")).orElseThrow();
        assertEquals(Origin.AUTO, adopted.origin());
        assertEquals(time.instant().plus(HOUR), adopted.expires());
        assertTrue(policy.allowed(p("198.18.6.1")));
        assertTrue(kernel.has(BLOCK, "198.18.5.0/24"));

        sweepAfter(HOUR);
        assertFalse(kernel.has(BLOCK, "198.18.5.0/24"));
    }

    @Test
    void aKernelEntryTheJournalRemovedOrThatLapsedIsTakenOut() {
        policy.put(BLOCK, p("198.18.1.0/24"), null, null, Origin.OPERATOR);
        policy.remove(BLOCK, p("198.18.1.0/24"));
        FakeRuleStore pinned = new FakeRuleStore();
        pinned.put(BLOCK, p("198.18.1.0/24"), false, null);
        pinned.put(BLOCK, p("198.18.7.7/32"), true, time.instant().minusSeconds(1));

        Policy.Restored r = restart(pinned);

        assertEquals(0, kernel.size(BLOCK));
        assertEquals(0, r.adopted());
        assertEquals(2, r.lapsed());
    }

    @Test
    void settingsSurviveARestart() {
        Settings monitor = Settings.DEFAULTS.withMode(Settings.Mode.MONITOR);
        policy.saveSettings(monitor);

        assertEquals(monitor, restart(kernel).settings());
        assertEquals(monitor, policy.settings());
    }

    @Test
    void withoutJournaledSettingsTheFallbackHolds() {
        assertEquals(Settings.DEFAULTS, restart(kernel).settings());
    }

    @Test
    void restartsFollowOneAnotherAndChangesBetweenThemAreKept() {
        policy.put(BLOCK, p("198.18.1.0/24"), null, "one", Origin.OPERATOR);
        restart(kernel);
        policy.put(BLOCK, p("198.18.2.0/24"), null, "two", Origin.OPERATOR);
        policy.remove(BLOCK, p("198.18.1.0/24"));
        restart(new FakeRuleStore());
        policy.put(ALLOW, p("198.18.3.0/24"), null, "three", Origin.OPERATOR);

        Policy.Restored r = restart(new FakeRuleStore());

        assertEquals(List.of(p("198.18.2.0/24")), listed(policy).stream().map(l -> l.entry().prefix()).toList());
        assertEquals("two", policy.get(BLOCK, p("198.18.2.0/24")).orElseThrow().reason());
        assertEquals(1, r.allows());
        assertTrue(kernel.has(BLOCK, "198.18.2.0/24"));
        assertTrue(kernel.has(ALLOW, "198.18.3.0/24"));
    }

    @Test
    void aJournalInTheFormatOnDiskRestores() throws Exception {
        // a snapshot and the segment after it, as the daemon writes them
        Files.writeString(dir.resolve("snapshot.jsonl"), """
                {"next_segment":1}
                {"op":"config","config":{"mode":"monitor","rate_limit":{"syn_pps":100,"burst":200},\
                "detection":{"interval_ms":1000,"min_threshold_pps":5000,"auto_block":true,"auto_block_ttl_s":600,\
                "threshold_factor":3.0,"widen_v4_len":24,"widen_v6_len":64,"widen_min_sources":8}}}
                {"op":"block","prefix":"198.18.1.0/24","origin":"operator","reason":"abuse ticket 42",\
                "created":"2026-11-24T11:00:00Z","expires":"2026-11-24T13:00:00Z"}
                {"op":"block","prefix":"198.18.2.0/24","origin":"operator","reason":null,\
                "created":"2026-11-24T11:00:00Z","expires":null}
                """);
        Files.writeString(dir.resolve("journal.1.log"), """
                {"op":"block","prefix":"198.18.3.7/32","origin":"auto","reason":"auto: 50000 SYN/s attack",\
                "created":"2026-11-24T11:59:00Z","expires":"2026-11-24T12:09:00Z"}
                {"op":"allow","prefix":"2001:2::/48","origin":"operator","reason":null,\
                "created":"2026-11-24T11:59:00Z","expires":null}
                {"op":"unblock","prefix":"198.18.2.0/24"}
                {"op":"allow","prefix":"198.18.9.0/24","origin":"operator","reason":"lab",\
                "created":"2026-11-24T11:59:00Z","expires":null}
                {"op":"disallow","prefix":"198.18.9.0/24"}
                """);

        Policy.Restored r = restart(new FakeRuleStore());

        assertEquals(Settings.Mode.MONITOR, r.settings().mode());
        assertEquals(3, r.reinstated());
        assertEquals(2, r.blocks());
        assertEquals(1, r.allows());
        assertEquals(new Entry(BLOCK, p("198.18.1.0/24"), Origin.OPERATOR, "abuse ticket 42",
                Instant.parse("2026-11-24T11:00:00Z"), Instant.parse("2026-11-24T13:00:00Z")),
                policy.get(BLOCK, p("198.18.1.0/24")).orElseThrow());
        assertEquals(new Entry(BLOCK, p("198.18.3.7"), Origin.AUTO, "auto: 50000 SYN/s attack",
                Instant.parse("2026-11-24T11:59:00Z"), Instant.parse("2026-11-24T12:09:00Z")),
                policy.get(BLOCK, p("198.18.3.7")).orElseThrow());
        assertTrue(kernel.get(BLOCK, "198.18.3.7/32").auto());
        assertTrue(policy.get(BLOCK, p("198.18.2.0/24")).isEmpty());
        assertTrue(policy.allowed(p("2001:2::1")));
        assertFalse(policy.allowed(p("198.18.9.1")));
    }

    @Test
    void changesAreJournaledInTheFormatOnDisk() throws Exception {
        policy.put(BLOCK, p("198.18.3.7"), Duration.ofMinutes(10), "auto: 50000 SYN/s attack", Origin.AUTO);
        policy.put(ALLOW, p("2001:2::/48"), null, null, Origin.OPERATOR);
        policy.remove(BLOCK, p("198.18.3.7"));
        policy.remove(ALLOW, p("2001:2::/48"));

        assertEquals("""
                {"op":"block","prefix":"198.18.3.7/32","origin":"auto","reason":"auto: 50000 SYN/s attack",\
                "created":"2026-11-24T12:00:00Z","expires":"2026-11-24T12:10:00Z"}
                {"op":"allow","prefix":"2001:2::/48","origin":"operator","reason":null,\
                "created":"2026-11-24T12:00:00Z","expires":null}
                {"op":"unblock","prefix":"198.18.3.7/32"}
                {"op":"disallow","prefix":"2001:2::/48"}
                """, Files.readString(dir.resolve("journal.1.log")));
    }

    @Test
    void aBulkImportSurvivesARestart() {
        List<Policy.Request> many = requests(0, 300, HOUR, null);
        policy.putAll(BLOCK, many, Origin.OPERATOR);

        Policy.Restored r = restart(new FakeRuleStore());

        assertEquals(300, r.blocks());
        assertEquals(300, kernel.size(BLOCK));
    }

    @Test
    void createdAndExpiresKeepTheirInstantsThroughTheJournal() {
        Instant created = time.instant();
        policy.put(BLOCK, p("198.18.1.0/24"), Duration.ofSeconds(90), null, Origin.OPERATOR);
        time.advance(Duration.ofSeconds(30));

        restart(new FakeRuleStore());

        Entry e = policy.get(BLOCK, p("198.18.1.0/24")).orElseThrow();
        assertEquals(created, e.created());
        assertEquals(created.plusSeconds(90), e.expires());
        sweepAfter(Duration.ofSeconds(60));
        assertFalse(kernel.has(BLOCK, "198.18.1.0/24"));
    }
}

package io.synguard.fleet;

import io.synguard.config.Settings;
import io.synguard.dataplane.RuleKind;
import io.synguard.net.Prefix;
import io.synguard.policy.Entry;
import io.synguard.policy.FakeRuleStore;
import io.synguard.policy.FakeTime;
import io.synguard.policy.JournaledPolicies;
import io.synguard.policy.Origin;
import io.synguard.policy.Policy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static io.synguard.dataplane.RuleKind.ALLOW;
import static io.synguard.dataplane.RuleKind.BLOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three members on an etcd in memory: what one does reaches the others, and nothing the engine does lifts a block. */
class FleetTest {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Prefix NET = Prefix.parse("198.18.1.0/24");

    @TempDir
    Path dir;

    private final FakeKv kv = new FakeKv();
    private final FakeTime time = new FakeTime();
    /** Every member's journals, closed after each test. */
    @RegisterExtension
    final JournaledPolicies policies = new JournaledPolicies(time);
    /** edge-1 and edge-2, joined; most tests need no more. */
    private Member a;
    private Member b;

    @BeforeEach
    void twoMembers() {
        a = member("edge-1");
        b = member("edge-2");
        settle(a, b);
    }

    /** A member: its own kernel, journal and queue in dir/name. */
    private final class Member {
        final String name;
        final Set<Origin> accept;
        final FakeRuleStore kernel = new FakeRuleStore();
        Policy policy;
        Fleet fleet;

        Member(String name, Set<Origin> accept) {
            this.name = name;
            this.accept = accept;
            start();
        }

        /** Starts, or starts again on the same state as after kill -9. */
        void start() {
            Path state = dir.resolve(name);
            policy = policies.open(kernel, state.resolve("journal")); // a restart leaves the one before open, as kill -9 does
            policy.restore(Settings.DEFAULTS);
            fleet = Fleet.join(new Fleet.Options(name, "/synguard", EnumSet.of(Origin.OPERATOR, Origin.AUTO), accept,
                    Duration.ofSeconds(1), Duration.ofMinutes(1)), kv, policy, time, state.resolve("fleet-queue.jsonl"));
        }

        Optional<Entry> block(Prefix p) {
            return policy.get(BLOCK, p);
        }
    }

    private Member member(String name) {
        return new Member(name, EnumSet.of(Origin.OPERATOR, Origin.AUTO));
    }

    /** edge-1's permanent block of NET, held by edge-2 too. */
    private void sharedBlock() {
        a.policy.put(BLOCK, NET, null, null, Origin.OPERATOR);
        settle(a, b);
    }

    /** edge-1 blocks NET while the watches hear nothing. */
    private void blockedWhileMuted() {
        kv.mute(true);
        a.policy.put(BLOCK, NET, null, null, Origin.OPERATOR);
        settle(a);
    }

    /** Takes etcd away, then has m block prefix. */
    private Prefix blockWhileAway(Member m, String prefix) {
        kv.away(true);
        Prefix p = Prefix.parse(prefix);
        m.policy.put(BLOCK, p, HOUR, null, Origin.OPERATOR);
        return p;
    }

    /** Every member steps until nothing is left to do. */
    private static void settle(Member... members) {
        for (int i = 0; i < 4; i++) {
            for (Member m : members) {
                m.fleet.step();
            }
        }
    }

    @Test
    void anOperatorBlockOnOneMemberIsHeldByTheOthersAsFleetWithItsMakerAndItsExpiry() {
        Member c = member("edge-3");
        settle(a, b, c);

        Entry made = a.policy.put(BLOCK, NET, HOUR, "ticket 42", Origin.OPERATOR).after();
        settle(a, b, c);

        for (Member m : List.of(b, c)) {
            Entry e = m.block(NET).orElseThrow(() -> new AssertionError(m.name + " lacks the block"));
            assertEquals(Origin.FLEET, e.origin());
            assertEquals("edge-1", e.host());
            assertEquals("ticket 42", e.reason());
            assertEquals(made.expires(), e.expires(), "the same absolute expiry");
            assertTrue(m.kernel.list(BLOCK).stream().anyMatch(r -> r.prefix().equals(NET)), "enforced on " + m.name);
        }
        assertEquals(Origin.OPERATOR, a.block(NET).orElseThrow().origin());
        assertEquals(List.of("/synguard/blocks/198.18.1.0_24"), kv.puts, "published once, by its maker only");
        assertEquals(1, b.fleet.status().applied());
        assertEquals(List.of("edge-1", "edge-2", "edge-3"),
                a.fleet.status().members().stream().map(FleetStatus.Member::host).toList());

        time.advance(HOUR);
        for (Member m : List.of(a, b, c)) {
            m.policy.expire();
            assertTrue(m.block(NET).isEmpty(), m.name + " lapses it at the same moment");
        }
    }

    @Test
    void autoBlocksAndAllowsTravelTooAndAMemberTakesOnlyTheOriginsItAccepts() {
        Member operatorOnly = new Member("edge-3", EnumSet.of(Origin.OPERATOR));
        a.policy.putAll(BLOCK, List.of(new Policy.Request(NET, HOUR, "flood")), Origin.AUTO);
        a.policy.put(ALLOW, Prefix.parse("198.18.9.0/24"), null, null, Origin.OPERATOR);
        settle(a, b, operatorOnly);

        assertEquals("edge-1", b.block(NET).orElseThrow().host());
        assertTrue(b.policy.get(ALLOW, Prefix.parse("198.18.9.0/24")).isPresent());
        assertTrue(operatorOnly.block(NET).isEmpty(), "auto blocks are not accepted there");
        assertTrue(operatorOnly.policy.get(ALLOW, Prefix.parse("198.18.9.0/24")).isPresent());
    }

    @Test
    void anUnblockIsATombstoneThatLiftsTheBlockEverywhereAndReachesAMemberThatWasAway() {
        Member away = member("edge-3");
        a.policy.put(BLOCK, NET, null, null, Origin.OPERATOR);
        settle(a, b, away);
        assertTrue(away.block(NET).isPresent());

        time.advance(Duration.ofSeconds(1));
        b.policy.remove(BLOCK, NET);
        settle(a, b);
        assertTrue(a.block(NET).isEmpty(), "lifted on its maker too");
        assertTrue(FleetRecord.parse(kv.value("/synguard/blocks/198.18.1.0_24")).removed());

        away.start(); // down while it happened: the listing carries the tombstone
        settle(away);
        assertTrue(away.block(NET).isEmpty());
        assertTrue(away.kernel.list(BLOCK).isEmpty());

        time.advance(Duration.ofSeconds(1));
        away.policy.put(BLOCK, NET, null, "again", Origin.OPERATOR);
        settle(a, b, away);
        assertEquals("again", a.block(NET).orElseThrow().reason(), "a later block wins over the tombstone");
    }

    @Test
    void detectionLiftingItsOwnBlockIsATombstoneOfOriginAutoThatAMemberTakingOnlyOperatorEntriesSkips() {
        Member operatorOnly = new Member("edge-3", EnumSet.of(Origin.OPERATOR));
        operatorOnly.policy.put(BLOCK, NET, null, "its own", Origin.OPERATOR);
        a.policy.putAll(BLOCK, List.of(new Policy.Request(NET, HOUR, "flood")), Origin.AUTO);
        time.advance(Duration.ofSeconds(1));
        a.policy.remove(BLOCK, NET);
        settle(a, b, operatorOnly);

        assertEquals("auto", FleetRecord.parse(kv.value("/synguard/blocks/198.18.1.0_24")).origin());
        assertTrue(b.block(NET).isEmpty());
        assertEquals("its own", operatorOnly.block(NET).orElseThrow().reason());
    }

    @Test
    void anEngineAwayLiftsNothingAndTheQueuedChangesGoOutWhenItReturns() {
        sharedBlock();
        Prefix later = blockWhileAway(a, "198.18.2.0/24");
        settle(a, b);
        FleetStatus away = a.fleet.status();
        assertFalse(away.connected());
        assertEquals(1, away.pending());
        assertTrue(b.block(NET).isPresent(), "still held and enforced while etcd is away");
        assertTrue(b.kernel.list(BLOCK).stream().anyMatch(r -> r.prefix().equals(NET)));

        kv.away(false);
        settle(a, b);
        FleetStatus back = a.fleet.status();
        assertTrue(back.connected());
        assertEquals(0, back.pending());
        assertTrue(b.block(later).isPresent(), "published on reconnect");
    }

    @Test
    void aRoundThatFailsOtherwiseThanByEtcdLeavesAWorkerThatListsAgainAndGoesOn() {
        sharedBlock();
        kv.failOnce(new IllegalStateException("a record that cannot be read"));

        a.fleet.step();
        a.policy.put(BLOCK, Prefix.parse("198.18.2.0/24"), HOUR, null, Origin.OPERATOR);
        settle(a, b);

        assertTrue(a.fleet.status().connected());
        assertTrue(b.block(Prefix.parse("198.18.2.0/24")).isPresent(), "published after the failed round");
    }

    @Test
    void theQueueOutlivesARestartAndARestartedMemberPublishesNothingTwice() {
        sharedBlock();
        Prefix queued = blockWhileAway(a, "198.18.2.0/24");
        settle(a);

        a.start(); // kill -9 and start again, etcd still away
        assertEquals(1, a.fleet.status().pending());
        kv.away(false);
        settle(a, b);
        assertTrue(b.block(queued).isPresent());
        assertEquals(List.of("/synguard/blocks/198.18.1.0_24", "/synguard/blocks/198.18.2.0_24"), kv.puts);

        a.start();
        b.start();
        settle(a, b);
        assertEquals(2, kv.puts.size(), "a restart publishes nothing again");
        assertEquals(0, b.fleet.status().applied(), "and applies nothing it holds already");
        assertTrue(b.block(NET).isPresent());
    }

    @Test
    void ofTwoChangesOfOnePrefixTheLaterWinsEverywhere() {
        kv.away(true);
        a.policy.put(BLOCK, NET, HOUR, "first", Origin.OPERATOR);
        time.advance(Duration.ofSeconds(5));
        b.policy.put(BLOCK, NET, HOUR, "second", Origin.OPERATOR);
        kv.away(false);
        settle(b, a);

        assertEquals("second", a.block(NET).orElseThrow().reason());
        assertEquals("edge-2", a.block(NET).orElseThrow().host());
        assertEquals(Origin.OPERATOR, b.block(NET).orElseThrow().origin());
        assertEquals("edge-2", FleetRecord.parse(kv.value("/synguard/blocks/198.18.1.0_24")).host());
        assertEquals(0, a.fleet.status().pending());
    }

    @Test
    void aBulkImportGoesOutAHundredAndTwentyEightKeysATransaction() {
        List<Policy.Request> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(new Policy.Request(Prefix.parse("198.19." + i / 256 + "." + i % 256), HOUR, null));
        }
        a.policy.putAll(BLOCK, many, Origin.OPERATOR);
        settle(a, b);

        assertEquals(1000, kv.puts.size());
        assertEquals(8, kv.transactions, "ceil(1000 / 128)");
        assertEquals(1000, b.policy.size(BLOCK));
    }

    @Test
    void aTransactionWhoseKeyAnotherMemberChangedUnseenIsRedoneKeyByKeyAndTheLaterChangeWins() {
        kv.mute(true);
        b.policy.put(BLOCK, NET, HOUR, "earlier", Origin.OPERATOR);
        settle(b);
        time.advance(Duration.ofSeconds(1));
        Prefix other = Prefix.parse("198.18.2.0/24");
        a.policy.putAll(BLOCK, List.of(new Policy.Request(NET, HOUR, "later"), new Policy.Request(other, HOUR, null)),
                Origin.OPERATOR);
        settle(a);

        assertEquals("later", FleetRecord.parse(kv.value("/synguard/blocks/198.18.1.0_24")).reason());
        assertTrue(kv.value("/synguard/blocks/198.18.2.0_24") != null);
        assertEquals(0, a.fleet.status().pending());
        assertEquals(3, kv.transactions, "b's put, a's failed transaction not counted, a's two puts alone");
    }

    @Test
    void aCompactedRevisionMakesTheMemberListAgainAndCatchUp() {
        blockedWhileMuted();
        kv.compact();
        kv.mute(false);
        settle(a, b);

        assertTrue(b.block(NET).isPresent(), "caught up by listing");
        assertEquals(1, b.fleet.status().relists());
    }

    @Test
    void aSilentWatchIsNoticedByTheHeartbeatAndTheMemberListsAgain() {
        blockedWhileMuted();
        for (int s = 0; s < 5; s++) {
            time.advance(Duration.ofSeconds(1));
            settle(a, b);
        }
        kv.mute(false);
        settle(a, b);

        assertTrue(b.fleet.status().relists() >= 1, "listed again: " + b.fleet.status());
        assertTrue(b.block(NET).isPresent());
    }

    @Test
    void afterEtcdLostItsDataEachMemberPublishesItsOwnEntriesAgainAndOnlyThose() {
        sharedBlock();
        b.policy.put(BLOCK, Prefix.parse("198.18.2.0/24"), null, null, Origin.OPERATOR);
        settle(a, b);
        kv.wipe();
        time.advance(Duration.ofSeconds(1)); // the next heartbeat finds the revision gone back
        settle(a, b);

        assertEquals("edge-1", FleetRecord.parse(kv.value("/synguard/blocks/198.18.1.0_24")).host());
        assertEquals("edge-2", FleetRecord.parse(kv.value("/synguard/blocks/198.18.2.0_24")).host());
        assertEquals(4, kv.puts.size(), "each entry once before the loss and once after, by its maker");
        assertTrue(b.block(NET).isPresent(), "nothing was lifted meanwhile");
    }

    @Test
    void aHostJoiningPublishesTheEntriesItHeldBefore() {
        Member late = member("edge-3");
        late.policy.listen(Policy.Listener.NONE); // as a host that ran alone
        late.policy.put(BLOCK, NET, null, "from before", Origin.OPERATOR);
        late.start(); // restarted with --fleet-etcd for the first time
        assertEquals(0, late.fleet.status().pending());
        settle(a, b, late);
        assertEquals("from before", b.block(NET).orElseThrow().reason());
    }

    @Test
    void blocksLearntFromTheFleetAreNotPublishedAgain() {
        sharedBlock();
        assertEquals(0, b.fleet.status().published());
        assertEquals(1, a.fleet.status().published());
        assertEquals(RuleKind.BLOCK, FleetRecord.parse(kv.value("/synguard/blocks/198.18.1.0_24")).ruleKind());
    }
}

package io.synguard.fleet;

import io.synguard.config.Settings;
import io.synguard.dataplane.RuleKind;
import io.synguard.json.Json;
import io.synguard.net.Prefix;
import io.synguard.policy.Entry;
import io.synguard.policy.FakeRuleStore;
import io.synguard.policy.FakeTime;
import io.synguard.policy.Origin;
import io.synguard.policy.Policy;
import io.synguard.state.Journal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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

    private final FakeTime time = new FakeTime();
    private final FakeKv kv = new FakeKv();
    private final List<Journal> journals = new ArrayList<>();

    @AfterEach
    void close() {
        journals.forEach(Journal::close);
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
            try {
                Files.createDirectories(state);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Journal journal = Journal.open(state.resolve("journal"), Json.mapper());
            journals.add(journal);
            policy = new Policy(kernel, journal, time, Runnable::run);
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

    /** Two members, edge-1's permanent block of NET held by both. */
    private record Pair(Member a, Member b) {
        void settle() {
            FleetTest.settle(a, b);
        }
    }

    private Pair twoSharingABlock() {
        Pair p = new Pair(member("edge-1"), member("edge-2"));
        p.a().policy.put(BLOCK, NET, null, null, Origin.OPERATOR);
        p.settle();
        return p;
    }

    /** Two members; edge-1 blocks NET while the watches hear nothing. */
    private Pair blockedWhileMuted() {
        Pair p = new Pair(member("edge-1"), member("edge-2"));
        p.settle();
        kv.mute(true);
        p.a().policy.put(BLOCK, NET, null, null, Origin.OPERATOR);
        settle(p.a());
        return p;
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
        Member a = member("edge-1");
        Member b = member("edge-2");
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
        Member a = member("edge-1");
        Member b = member("edge-2");
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
        Member a = member("edge-1");
        Member b = member("edge-2");
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
    void anEngineAwayLiftsNothingAndTheQueuedChangesGoOutWhenItReturns() {
        Pair p = twoSharingABlock();
        Prefix later = blockWhileAway(p.a(), "198.18.2.0/24");
        p.settle();
        FleetStatus away = p.a().fleet.status();
        assertFalse(away.connected());
        assertEquals(1, away.pending());
        assertTrue(p.b().block(NET).isPresent(), "still held and enforced while etcd is away");
        assertTrue(p.b().kernel.list(BLOCK).stream().anyMatch(r -> r.prefix().equals(NET)));

        kv.away(false);
        p.settle();
        FleetStatus back = p.a().fleet.status();
        assertTrue(back.connected());
        assertEquals(0, back.pending());
        assertTrue(p.b().block(later).isPresent(), "published on reconnect");
    }

    @Test
    void theQueueOutlivesARestartAndARestartedMemberPublishesNothingTwice() {
        Pair p = twoSharingABlock();
        Member a = p.a();
        Member b = p.b();
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
        Member a = member("edge-1");
        Member b = member("edge-2");
        settle(a, b);
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
        Member a = member("edge-1");
        Member b = member("edge-2");
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
        Member a = member("edge-1");
        Member b = member("edge-2");
        settle(a, b);
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
        Pair p = blockedWhileMuted();
        kv.compact();
        kv.mute(false);
        p.settle();

        assertTrue(p.b().block(NET).isPresent(), "caught up by listing");
        assertEquals(1, p.b().fleet.status().relists());
    }

    @Test
    void aSilentWatchIsNoticedByTheHeartbeatAndTheMemberListsAgain() {
        Pair p = blockedWhileMuted();
        for (int s = 0; s < 5; s++) {
            time.advance(Duration.ofSeconds(1));
            p.settle();
        }
        kv.mute(false);
        p.settle();

        assertTrue(p.b().fleet.status().relists() >= 1, "listed again: " + p.b().fleet.status());
        assertTrue(p.b().block(NET).isPresent());
    }

    @Test
    void blocksLearntFromTheFleetAreNotPublishedAgain() {
        Pair p = twoSharingABlock();
        assertEquals(0, p.b().fleet.status().published());
        assertEquals(1, p.a().fleet.status().published());
        assertEquals(RuleKind.BLOCK, FleetRecord.parse(kv.value("/synguard/blocks/198.18.1.0_24")).ruleKind());
    }
}

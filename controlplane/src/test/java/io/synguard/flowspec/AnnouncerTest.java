package io.synguard.flowspec;

import io.synguard.dataplane.RuleKind;
import io.synguard.net.Family;
import io.synguard.net.Prefix;
import io.synguard.policy.FakeRuleStore;
import io.synguard.policy.FakeTime;
import io.synguard.policy.JournaledPolicies;
import io.synguard.policy.Origin;
import io.synguard.policy.Policy;
import io.synguard.config.Settings;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rounds of the announcer against a speaker in memory, on a fake clock. */
class AnnouncerTest {
    private static final Announcer.Options OPTIONS = new Announcer.Options("127.0.0.1:50051", Action.DISCARD, 2,
            Map.of(Family.V4, Prefix.parse("198.19.0.0/16")), PathCodecTest.COMMUNITY, Duration.ofSeconds(30));

    private final FakeTime time = new FakeTime();
    @RegisterExtension
    final JournaledPolicies policies = new JournaledPolicies(time);
    @TempDir
    Path dir;
    private Policy policy;
    private final FakeSpeaker speaker = new FakeSpeaker();
    private final FakeRuleStore store = new FakeRuleStore();
    private Announcer announcer;

    @BeforeEach
    void start() {
        policy = policies.open(store, dir);
        policy.restore(Settings.DEFAULTS);
        announcer = new Announcer(OPTIONS, speaker, policy, time);
    }

    @Test
    void blocksGoUpAndComeDownWhenTheyEnd() {
        block("198.18.1.0/24", null);
        announcer.step();
        assertEquals(List.of("add 198.18.1.0/24"), speaker.sent);
        assertTrue(announcer.status().connected());
        assertEquals(1, announcer.status().announced().size());
        policy.remove(RuleKind.BLOCK, Prefix.parse("198.18.1.0/24"));
        announcer.step();
        assertEquals(List.of("add 198.18.1.0/24", "withdraw 198.18.1.0/24"), speaker.sent);
        assertEquals(List.of(), announcer.status().announced());
    }

    @Test
    void whileTheListsKeepChangingASlowReadingOfThemIsFollowedByNineTimesItsLengthOfCalm() {
        block("198.18.1.0/24", null);
        store.onHits = () -> time.advance(Duration.ofSeconds(1)); // a block's hits read in 1 s
        speaker.onCall = () -> time.advance(Duration.ofSeconds(1)); // the speaker's time: not this host's CPU
        announcer.step(); // 1 s reading, then 2 s of the speaker
        assertEquals(List.of("add 198.18.1.0/24"), speaker.sent);

        block("198.18.2.0/24", null);
        announcer.step();
        time.advance(Duration.ofSeconds(6));
        announcer.step();
        assertEquals(1, speaker.sent.size(), "9 s of calm after the reading: not yet");
        time.advance(Duration.ofSeconds(1));
        announcer.step();
        assertEquals(List.of("add 198.18.1.0/24", "add 198.18.2.0/24"), speaker.sent);
    }

    @Test
    void aRetryAfterAFailedRoundWaitsForTheCalmAndTheStatusSaysWhen() {
        block("198.18.1.0/24", null);
        store.onHits = () -> time.advance(Duration.ofSeconds(2));
        speaker.away = true;
        announcer.step();
        Instant calm = time.instant().plus(Duration.ofSeconds(18));
        assertEquals(calm, announcer.status().retryAt(), "18 s of calm, not the first backoff's 0.5 s");

        speaker.away = false;
        time.advance(Duration.ofSeconds(17));
        announcer.step();
        assertFalse(announcer.status().connected(), "not retried before then");
        time.advance(Duration.ofSeconds(1));
        announcer.step();
        assertTrue(announcer.status().connected());
    }

    @Test
    void anExpiredBlockIsWithdrawn() {
        block("198.18.1.0/24", Duration.ofSeconds(10));
        announcer.step();
        time.advance(Duration.ofSeconds(11));
        policy.expire();
        announcer.step();
        assertEquals(List.of("add 198.18.1.0/24", "withdraw 198.18.1.0/24"), speaker.sent);
    }

    @Test
    void aRestartFindsItsRulesInPlaceAndSendsNothing() {
        block("198.18.1.0/24", null);
        block("198.18.2.0/24", null);
        announcer.step();
        speaker.sent.clear();
        Announcer next = new Announcer(OPTIONS, speaker, policy, time);
        next.step();
        assertEquals(List.of(), speaker.sent);
        assertEquals(2, next.status().announced().size());
        assertNotNull(next.status().lastReconcile());
    }

    @Test
    void aPathAddedByHandUnderOurCommunityIsWithdrawn() {
        FlowRule byHand = new FlowRule(Prefix.parse("198.18.77.0/24"), null, Action.DISCARD);
        speaker.putByHand(byHand, new PathCodec(PathCodecTest.COMMUNITY).path(byHand));
        FlowRule others = new FlowRule(Prefix.parse("198.18.78.0/24"), null, Action.DISCARD);
        speaker.putByHand(others, new PathCodec(64512 << 16 | 1).path(others));
        announcer.step();
        assertEquals(List.of("withdraw 198.18.77.0/24"), speaker.sent);
        assertEquals(1, speaker.table.size(), "another community's path is left alone");
    }

    @Test
    void theCapKeepsTheRestLocal() {
        block("198.18.1.7/32", null);
        block("198.18.2.0/24", null);
        block("198.18.0.0/20", null);
        announcer.step();
        assertEquals(List.of("add 198.18.0.0/20", "add 198.18.2.0/24"), speaker.sent);
        assertEquals(1, announcer.status().localOnly());
    }

    @Test
    void aSpeakerAwayIsRetriedWithBackoffAndSaidInTheStatus() {
        block("198.18.1.0/24", null);
        speaker.away = true;
        announcer.step();
        assertFalse(announcer.status().connected());
        assertEquals(1, announcer.status().failures());
        assertEquals("connection refused", announcer.status().lastError());
        assertEquals(time.instant().plusMillis(500), announcer.status().retryAt());
        speaker.away = false;
        announcer.step();
        assertEquals(List.of(), speaker.sent, "not before the retry is due");
        time.advance(Duration.ofMillis(500));
        announcer.step();
        assertEquals(List.of("add 198.18.1.0/24"), speaker.sent);
        assertTrue(announcer.status().connected());
        assertNull(announcer.status().lastError());
        assertTrue(policy.blocked(Prefix.parse("198.18.1.0/24")), "enforced here all along");
    }

    @Test
    void theBackoffDoublesUpToAMinute() {
        assertEquals(Duration.ofMillis(500), Announcer.backoff(1));
        assertEquals(Duration.ofSeconds(1), Announcer.backoff(2));
        assertEquals(Duration.ofSeconds(32), Announcer.backoff(7));
        assertEquals(Duration.ofMinutes(1), Announcer.backoff(8));
        assertEquals(Duration.ofMinutes(1), Announcer.backoff(500));
    }

    @Test
    void aSpeakerThatLostItsTableIsRefilledAtTheResync() {
        block("198.18.1.0/24", null);
        announcer.step();
        speaker.table.clear();
        announcer.step();
        assertEquals(List.of("add 198.18.1.0/24"), speaker.sent, "nothing changed here: no round yet");
        time.advance(Duration.ofSeconds(30));
        announcer.step();
        assertEquals(List.of("add 198.18.1.0/24", "add 198.18.1.0/24"), speaker.sent);
    }

    private void block(String prefix, Duration ttl) {
        policy.put(RuleKind.BLOCK, Prefix.parse(prefix), ttl, null, Origin.OPERATOR);
    }
}

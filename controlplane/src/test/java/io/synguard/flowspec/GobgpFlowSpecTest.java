package io.synguard.flowspec;

import io.synguard.config.Settings;
import io.synguard.dataplane.RuleKind;
import io.synguard.host.HostCommand;
import io.synguard.net.Family;
import io.synguard.net.Prefix;
import io.synguard.policy.FakeRuleStore;
import io.synguard.policy.FakeTime;
import io.synguard.policy.JournaledPolicies;
import io.synguard.policy.Origin;
import io.synguard.policy.Policy;
import io.synguard.testing.BpfTest;
import io.synguard.testing.GobgpPeers;
import io.synguard.testing.Teardown;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The announcer against a real gobgpd (the speaker, in a namespace of its own) that peers over eBGP
 * with a second gobgpd, the receiving router, in another ({@link GobgpPeers}); every rule is checked
 * in the router's FlowSpec table.
 */
@BpfTest
class GobgpFlowSpecTest {
    private static final Prefix PROTECTED = Prefix.parse("198.19.0.0/16");

    private final FakeTime time = new FakeTime();
    @RegisterExtension
    final JournaledPolicies policies = new JournaledPolicies(time);
    private GobgpPeers peers;
    private Path dir;
    private Relay relay;
    private Policy policy;
    private final List<Announcer> announcers = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        peers = new GobgpPeers();
        dir = Files.createTempDirectory("sg-flowspec-");
        relay = new Relay(peers.speakerNamespace(), new InetSocketAddress("127.0.0.1", GobgpPeers.GRPC));
        policy = policies.open(new FakeRuleStore(), dir.resolve("journal"));
        policy.restore(Settings.DEFAULTS);
    }

    @AfterEach
    void stop() {
        List<Teardown.Step> steps = new ArrayList<>();
        announcers.forEach(a -> steps.add(Teardown.closing(a))); // each holds a gRPC channel
        steps.addAll(List.of(Teardown.closing(relay), Teardown.closing(peers), () -> Teardown.deleteTree(dir)));
        Teardown.all(steps);
    }

    @Test
    void theInstalledGobgpdIsTheVersionTheStubsCameFrom() {
        String daemon = HostCommand.run("gobgpd", "--version").trim();
        String protos = HostCommand.run("dpkg-query", "-W", "-f=${Version}", "golang-github-osrg-gobgp-dev").trim();
        assertTrue(daemon.endsWith(" " + protos.replaceAll("-[^-]*$", "")), daemon + " against protos of " + protos);
    }

    @Test
    void rulesReachTheRouterAndLeaveItWhenTheBlockEnds() {
        Announcer a = announcer(10);
        block("198.18.5.0/24");
        block("198.18.6.7/32");
        a.step();
        awaitRouterHolds(Set.of("198.18.5.0/24", "198.18.6.7/32"));
        policy.remove(RuleKind.BLOCK, Prefix.parse("198.18.5.0/24"));
        a.step();
        awaitRouterHolds(Set.of("198.18.6.7/32"));
        assertEquals(1, a.status().withdrawn());
    }

    @Test
    void aRestartSendsNoUpdate() throws InterruptedException {
        Announcer first = announcer(10);
        block("198.18.5.0/24");
        block("198.18.6.0/24");
        first.step();
        awaitRouterHolds(Set.of("198.18.5.0/24", "198.18.6.0/24"));
        first.close();
        long updates = peers.updatesReceived();
        Announcer second = announcer(10);
        second.step();
        assertTrue(second.status().connected());
        assertEquals(0, second.status().added() + second.status().withdrawn(), second.status().toString());
        Thread.sleep(2_000);
        assertEquals(updates, peers.updatesReceived(), "the router got an update after a restart that changed nothing");
        assertEquals(Set.of("198.18.5.0/24", "198.18.6.0/24"), peers.routerSources());
    }

    @Test
    void aPathAddedByHandUnderOurCommunityIsWithdrawnByReconciliation() {
        Announcer a = announcer(10);
        block("198.18.5.0/24");
        a.step();
        peers.speakerCli("global", "rib", "-a", "ipv4-flowspec", "add", "match",
                "source", "198.18.77.0/24", "protocol", "tcp", "then", "discard", "community", "64512:5180");
        awaitRouterHolds(Set.of("198.18.5.0/24", "198.18.77.0/24"));
        time.advance(Duration.ofSeconds(30));
        a.step();
        awaitRouterHolds(Set.of("198.18.5.0/24"));
    }

    @Test
    void theCapKeepsTheNarrowestLocal() {
        Announcer a = announcer(2);
        block("198.18.5.7/32");
        block("198.18.6.0/24");
        block("198.18.64.0/20");
        a.step();
        awaitRouterHolds(Set.of("198.18.64.0/20", "198.18.6.0/24"));
        assertEquals(1, a.status().localOnly());
    }

    @Test
    void aSpeakerAwayFailsTheRoundAndSaysSo() {
        Announcer away = new Announcer(options(10, "127.0.0.1:1"),
                new GobgpSpeaker("127.0.0.1:1", new PathCodec(PathCodecTest.COMMUNITY), Duration.ofSeconds(2)),
                policy, time);
        block("198.18.5.0/24");
        away.step();
        assertFalse(away.status().connected());
        assertTrue(away.status().lastError().contains("UNAVAILABLE"), away.status().lastError());
        away.close();
    }

    private Announcer announcer(int max) {
        Announcer a = new Announcer(options(max, relay.address()),
                new GobgpSpeaker(relay.address(), new PathCodec(PathCodecTest.COMMUNITY), Duration.ofSeconds(5)),
                policy, time);
        announcers.add(a);
        return a;
    }

    private static Announcer.Options options(int max, String target) {
        return new Announcer.Options(target, Action.DISCARD, max, Map.of(Family.V4, PROTECTED),
                PathCodecTest.COMMUNITY, Duration.ofSeconds(30));
    }

    private void block(String prefix) {
        policy.put(RuleKind.BLOCK, Prefix.parse(prefix), null, null, Origin.OPERATOR);
    }

    private void awaitRouterHolds(Set<String> sources) {
        peers.awaitRouterHolds(sources, Duration.ofSeconds(10));
        String table = peers.routerTable();
        for (String s : sources) {
            if (!s.equals("198.18.77.0/24")) {
                assertTrue(table.contains("[destination: " + PROTECTED + "][source: " + s
                        + "][protocol: ==tcp][tcp-flags: =S&!=A]"), table);
            }
        }
    }
}

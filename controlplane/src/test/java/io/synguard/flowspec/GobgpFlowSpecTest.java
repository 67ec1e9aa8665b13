package io.synguard.flowspec;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.config.Settings;
import io.synguard.dataplane.RuleKind;
import io.synguard.host.HostCommand;
import io.synguard.host.NamespaceNetwork;
import io.synguard.json.Json;
import io.synguard.net.Family;
import io.synguard.net.Prefix;
import io.synguard.policy.FakeRuleStore;
import io.synguard.policy.FakeTime;
import io.synguard.policy.JournaledPolicies;
import io.synguard.policy.Origin;
import io.synguard.policy.Policy;
import io.synguard.testing.BpfTest;
import io.synguard.testing.RequiredTool;
import io.synguard.testing.Teardown;
import io.synguard.testing.TestNetwork;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The announcer against a real gobgpd (the "speaker", in a namespace of its own) that peers over
 * eBGP with a second gobgpd, the receiving router, in another; every rule is checked in the
 * receiver's FlowSpec table. Both are started here with config files in a temporary directory
 * and ended by pid; the namespaces and the directory go after.
 */
@BpfTest
class GobgpFlowSpecTest {
    private static final String SPEAKER_IP = "198.18.200.1";
    private static final String ROUTER_IP = "198.18.200.2";
    private static final int GRPC = 50051;
    private static final Prefix PROTECTED = Prefix.parse("198.19.0.0/16");

    private final FakeTime time = new FakeTime();
    @RegisterExtension
    final JournaledPolicies policies = new JournaledPolicies(time);
    private final List<Process> speakers = new ArrayList<>();
    private NamespaceNetwork net;
    private String speakerNs;
    private String routerNs;
    private Path dir;
    private Relay relay;
    private Policy policy;

    @BeforeEach
    void start() throws IOException {
        RequiredTool.require("gobgpd", "apt-get install gobgpd, or ./synguard setup");
        dir = Files.createTempDirectory("sg-gobgp-");
        net = TestNetwork.create().build(n -> {
            speakerNs = n.namespace("spk");
            routerNs = n.namespace("rtr");
            n.veth(speakerNs, "bgp0", routerNs, "bgp1");
            n.address(speakerNs, "bgp0", SPEAKER_IP + "/30");
            n.address(routerNs, "bgp1", ROUTER_IP + "/30");
        });
        gobgpd(speakerNs, "speaker", 64512, SPEAKER_IP, ROUTER_IP, 64513);
        gobgpd(routerNs, "router", 64513, ROUTER_IP, SPEAKER_IP, 64512);
        relay = new Relay(NamespaceNetwork.path(speakerNs), new InetSocketAddress("127.0.0.1", GRPC));
        policy = policies.open(new FakeRuleStore(), dir.resolve("journal"));
        policy.restore(Settings.DEFAULTS);
        await("the BGP session is up", Duration.ofSeconds(30), () -> neighbor().path("state").path("session_state")
                .asText().matches("(?i)6|established"));
    }

    @AfterEach
    void stop() {
        List<Teardown.Step> steps = new ArrayList<>();
        steps.add(() -> {
            if (relay != null) {
                relay.close();
            }
        });
        for (Process p : speakers) {
            steps.add(() -> {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            });
        }
        steps.add(() -> {
            if (net != null) {
                net.close();
            }
        });
        steps.add(() -> Teardown.deleteTree(dir));
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
        long updates = updatesReceived();
        Announcer second = announcer(10);
        second.step();
        assertTrue(second.status().connected());
        assertEquals(0, second.status().added() + second.status().withdrawn(), second.status().toString());
        Thread.sleep(2_000);
        assertEquals(updates, updatesReceived(), "the router got an update after a restart that changed nothing");
        assertEquals(Set.of("198.18.5.0/24", "198.18.6.0/24"), routerSources());
    }

    @Test
    void aPathAddedByHandUnderOurCommunityIsWithdrawnByReconciliation() {
        Announcer a = announcer(10);
        block("198.18.5.0/24");
        a.step();
        net.exec(speakerNs, "gobgp", "-p", String.valueOf(GRPC), "global", "rib", "-a", "ipv4-flowspec", "add", "match",
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
        return new Announcer(options(max, relay.address()),
                new GobgpSpeaker(relay.address(), new PathCodec(PathCodecTest.COMMUNITY), Duration.ofSeconds(5)),
                policy, time);
    }

    private static Announcer.Options options(int max, String target) {
        return new Announcer.Options(target, Action.DISCARD, max, Map.of(Family.V4, PROTECTED),
                PathCodecTest.COMMUNITY, Duration.ofSeconds(30));
    }

    private void block(String prefix) {
        policy.put(RuleKind.BLOCK, Prefix.parse(prefix), null, null, Origin.OPERATOR);
    }

    private void gobgpd(String ns, String name, int as, String self, String peer, int peerAs) {
        Path config = dir.resolve(name + ".toml");
        String afiSafis = """
                  [[neighbors.afi-safis]]
                    [neighbors.afi-safis.config]
                      afi-safi-name = "ipv4-flowspec"
                  [[neighbors.afi-safis]]
                    [neighbors.afi-safis.config]
                      afi-safi-name = "ipv6-flowspec"
                """;
        try {
            Files.writeString(config, """
                    [global.config]
                      as = %d
                      router-id = "%s"
                      local-address-list = ["%s"]
                    [[neighbors]]
                      [neighbors.config]
                        neighbor-address = "%s"
                        peer-as = %d
                      [neighbors.timers.config]
                        connect-retry = 1
                    %s""".formatted(as, self, self, peer, peerAs, afiSafis));
            speakers.add(new ProcessBuilder("ip", "netns", "exec", ns, "gobgpd", "-f", config.toString(), "-t", "toml",
                    "--api-hosts", "127.0.0.1:" + GRPC).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(name + ".log").toFile()).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode neighbor() {
        try {
            String out = net.exec(routerNs, "gobgp", "-p", String.valueOf(GRPC), "neighbor", SPEAKER_IP, "-j");
            return Json.mapper().readTree(out);
        } catch (IOException | RuntimeException e) {
            return Json.mapper().createObjectNode();
        }
    }

    private long updatesReceived() {
        return neighbor().path("state").path("messages").path("received").path("update").asLong(-1);
    }

    /** The source prefixes of the FlowSpec rules the router holds, each checked to be ours in full. */
    private Set<String> routerSources() {
        String out = net.exec(routerNs, "gobgp", "-p", String.valueOf(GRPC), "global", "rib", "-a", "ipv4-flowspec",
                "-j");
        Set<String> sources = new TreeSet<>();
        try {
            Json.mapper().readTree(out.isBlank() ? "{}" : out).fieldNames().forEachRemaining(key -> {
                String source = key.replaceAll(".*\\[source: ([^]]+)].*", "$1");
                sources.add(source);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(out, e);
        }
        return sources;
    }

    private void awaitRouterHolds(Set<String> sources) {
        await("the router holds rules from " + sources, Duration.ofSeconds(10),
                () -> routerSources().equals(new TreeSet<>(sources)));
        String table = net.exec(routerNs, "gobgp", "-p", String.valueOf(GRPC), "global", "rib", "-a", "ipv4-flowspec");
        for (String s : sources) {
            if (!s.equals("198.18.77.0/24")) {
                assertTrue(table.contains("[destination: " + PROTECTED + "][source: " + s
                        + "][protocol: ==tcp][tcp-flags: =S&!=A]"), table);
            }
        }
    }

    private static void await(String what, Duration limit, BooleanSupplier done) {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

package io.synguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.host.NamespaceNetwork;
import io.synguard.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Two gobgpd in namespaces of their own, peering over eBGP for IPv4 and IPv6 FlowSpec: the
 * "speaker" (AS 64512, 198.18.200.1, where synguard announces through its gRPC on the namespace's
 * 127.0.0.1:50051) and the receiving "router" (AS 64513, 198.18.200.2). Their config files and logs
 * are in a temporary directory; closing ends both by pid and removes the namespaces and directory.
 */
public final class GobgpPeers implements AutoCloseable {
    public static final String SPEAKER_IP = "198.18.200.1";
    public static final String ROUTER_IP = "198.18.200.2";
    public static final int GRPC = 50051;

    private final NamespaceNetwork net = TestNetwork.create();
    private final List<Process> daemons = new ArrayList<>();
    private final Path dir;
    private final String speaker;
    private final String router;

    /** Starts both and waits until their session is established. */
    public GobgpPeers() {
        RequiredTool.require("gobgpd", "apt-get install gobgpd, or ./synguard setup");
        try {
            dir = Files.createTempDirectory("sg-gobgp-");
            speaker = net.namespace("spk");
            router = net.namespace("rtr");
            net.veth(speaker, "bgp0", router, "bgp1");
            net.address(speaker, "bgp0", SPEAKER_IP + "/30");
            net.address(router, "bgp1", ROUTER_IP + "/30");
            gobgpd(speaker, "speaker", 64512, SPEAKER_IP, ROUTER_IP, 64513);
            gobgpd(router, "router", 64513, ROUTER_IP, SPEAKER_IP, 64512);
            await("the BGP session is up", Duration.ofSeconds(30),
                    () -> neighbor().path("state").path("session_state").asText().matches("(?i)6|established"));
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** The speaker's namespace, where synguard reaches gobgpd's gRPC on 127.0.0.1:{@value #GRPC}. */
    public Path speakerNamespace() {
        return NamespaceNetwork.path(speaker);
    }

    /** The speaker's interface toward the router. */
    public String speakerInterface() {
        return "bgp0";
    }

    /** gobgp's CLI against the speaker; its output. */
    public String speakerCli(String... arguments) {
        return cli(speaker, arguments);
    }

    /** UPDATE messages the router has received from the speaker; an IllegalStateException if it does not say. */
    public long updatesReceived() {
        JsonNode n = neighbor().path("state").path("messages").path("received").path("update");
        if (!n.canConvertToLong()) {
            // a count not read would compare equal before and after, and prove nothing
            throw new IllegalStateException("the router's count of updates received is not readable: " + neighbor());
        }
        return n.asLong();
    }

    /** The source prefixes of the IPv4 FlowSpec rules the router holds. */
    public Set<String> routerSources() {
        String out = cli(router, "global", "rib", "-a", "ipv4-flowspec", "-j");
        Set<String> sources = new TreeSet<>();
        try {
            Json.mapper().readTree(out.isBlank() ? "{}" : out).fieldNames()
                    .forEachRemaining(key -> sources.add(key.replaceAll(".*\\[source: ([^]]+)].*", "$1")));
        } catch (IOException e) {
            throw new UncheckedIOException(out, e);
        }
        return sources;
    }

    /** The router's IPv4 FlowSpec table as gobgp prints it for people. */
    public String routerTable() {
        return cli(router, "global", "rib", "-a", "ipv4-flowspec");
    }

    /** Waits until the router holds rules from exactly these sources. */
    public void awaitRouterHolds(Set<String> sources, Duration limit) {
        await("the router holds rules from " + sources + " (it holds " + routerSources() + ")", limit,
                () -> routerSources().equals(new TreeSet<>(sources)));
    }

    private JsonNode neighbor() {
        try {
            return Json.mapper().readTree(cli(router, "neighbor", SPEAKER_IP, "-j"));
        } catch (IOException | RuntimeException e) {
            return Json.mapper().createObjectNode();
        }
    }

    private String cli(String namespace, String... arguments) {
        List<String> command = new ArrayList<>(List.of("gobgp", "-p", String.valueOf(GRPC)));
        command.addAll(List.of(arguments));
        return net.exec(namespace, command.toArray(String[]::new));
    }

    private void gobgpd(String ns, String name, int as, String self, String peer, int peerAs) throws IOException {
        Path config = dir.resolve(name + ".toml");
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
                  [[neighbors.afi-safis]]
                    [neighbors.afi-safis.config]
                      afi-safi-name = "ipv4-flowspec"
                  [[neighbors.afi-safis]]
                    [neighbors.afi-safis.config]
                      afi-safi-name = "ipv6-flowspec"
                """.formatted(as, self, self, peer, peerAs));
        daemons.add(new ProcessBuilder("ip", "netns", "exec", ns, "gobgpd", "-f", config.toString(), "-t", "toml",
                "--api-hosts", "127.0.0.1:" + GRPC).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start());
    }

    /** Waits until done, polling every 100 ms; fails saying what did not happen in time. */
    public static void await(String what, Duration limit, BooleanSupplier done) {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            DaemonProcess.sleep(100);
        }
    }

    @Override
    public void close() {
        List<Teardown.Step> steps = new ArrayList<>();
        for (Process p : daemons) {
            steps.add(() -> {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            });
        }
        steps.add(net::close);
        steps.add(() -> Teardown.deleteTree(dir));
        Teardown.all(steps);
    }
}

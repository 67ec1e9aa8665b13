package io.synguard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.testing.DaemonProcess;
import io.synguard.testing.GobgpPeers;
import io.synguard.testing.HttpInNamespace;
import io.synguard.testing.BpfTest;
import io.synguard.testing.TempBpffs;
import io.synguard.testing.Teardown;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon jar run as a user runs it, with --flowspec-gobgp, beside a gobgpd that peers with a
 * receiving router ({@link GobgpPeers}): blocks made through the API reach the router's FlowSpec
 * table, the cap keeps the rest local and frees a slot on unblock, and a SIGKILLed daemon's
 * successor sends the router no update.
 */
@BpfTest
class FlowSpecIT {
    private GobgpPeers peers;
    private TempBpffs bpffs;
    private Path state;
    private DaemonProcess daemon;
    private HttpInNamespace api;

    @BeforeEach
    void start() throws IOException {
        peers = new GobgpPeers();
        bpffs = new TempBpffs();
        state = Files.createTempDirectory("sg-flowspec-it-");
        api = new HttpInNamespace(peers.speakerNamespace(), new InetSocketAddress("127.0.0.1", 9780));
    }

    @AfterEach
    void stop() {
        Teardown.all(List.of(Teardown.closing(daemon), Teardown.closing(bpffs), Teardown.closing(peers),
                () -> Teardown.deleteTree(state)));
    }

    @Test
    void blocksReachTheRouterAndARestartSendsItNothing() throws InterruptedException {
        startDaemon();
        for (String p : List.of("198.18.5.0/24", "198.18.6.0/24", "198.18.7.7/32")) {
            assertEquals(201, api.post("/v1/blocks", "{\"prefix\":\"" + p + "\"}").status());
        }
        peers.awaitRouterHolds(Set.of("198.18.5.0/24", "198.18.6.0/24"), Duration.ofSeconds(5));
        assertTrue(peers.routerTable().contains("[destination: 198.19.0.0/16][source: 198.18.5.0/24][protocol: ==tcp]"
                + "[tcp-flags: =S&!=A]"), peers.routerTable());
        GobgpPeers.await("the /32 is left local by the cap", Duration.ofSeconds(5),
                () -> flowspec().get("local_only").asInt() == 1);
        JsonNode f = flowspec();
        assertEquals(2, f.get("announced").size(), f.toString());
        assertEquals(Set.of("198.18.5.0/24", "198.18.6.0/24"), peers.routerSources());
        assertTrue(api.get("/metrics").body().contains("synguard_flowspec_announced 2.0"));

        daemon.kill();
        long updates = peers.updatesReceived();
        startDaemon();
        GobgpPeers.await("the successor reconciled", Duration.ofSeconds(10),
                () -> !flowspec().path("last_reconcile").isNull());
        f = flowspec();
        assertEquals(0, f.get("added").asLong() + f.get("withdrawn").asLong(), f.toString());
        Thread.sleep(2_000);
        assertEquals(updates, peers.updatesReceived(), "the router got an update after a restart that changed nothing");

        assertEquals(204, api.delete("/v1/blocks/198.18.5.0%2F24").status());
        peers.awaitRouterHolds(Set.of("198.18.6.0/24", "198.18.7.7/32"), Duration.ofSeconds(5));
    }

    private void startDaemon() {
        daemon = DaemonProcess.start(peers.speakerNamespace(), state, List.of("--iface", peers.speakerInterface(),
                "--pin-dir", bpffs.root().resolve("bgp0").toString(), "--flowspec-gobgp", "127.0.0.1:" + GobgpPeers.GRPC,
                "--flowspec-destination", "198.19.0.0/16", "--flowspec-max", "2"));
        daemon.awaitReady(() -> {
            api.token(null);
            return api.get("/healthz").status() == 200;
        }, Duration.ofSeconds(30));
        try {
            api.token(Files.readString(state.resolve("token")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode flowspec() {
        return api.get("/v1/flowspec").json();
    }
}

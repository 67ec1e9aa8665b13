package io.synguard.e2e;

import io.synguard.testing.BpfTest;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.synguard.e2e.FleetHosts.BLOCKED_CLIENT;
import static io.synguard.e2e.FleetHosts.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three synguard daemons on a three-member etcd: the leader killed loses and lifts no block. */
@BpfTest
class FleetClusterIT {
    private FleetHosts fleet;

    @BeforeEach
    void start() {
        fleet = new FleetHosts(3);
        fleet.startAll();
    }

    @AfterEach
    void stop() {
        fleet.close();
    }

    @Test
    void theEtcdLeaderKilledLosesAndLiftsNoBlockAndTheFleetGoesOn() {
        for (int n = 0; n < 10; n++) {
            assertEquals(201, fleet.block(1 + n % 3, "{\"prefix\":\"198.18." + (1 + n) + ".0/24\"}").status());
        }
        for (int i = 1; i <= 3; i++) {
            int host = i;
            await("ten blocks on host " + i, Duration.ofSeconds(5),
                    () -> fleet.api(host).get("/v1/blocks").json().size() == 10);
        }

        int leader = fleet.etcdLeader();
        fleet.stopEtcd(leader, true);
        await("another etcd member leads", Duration.ofSeconds(10), () -> {
            try {
                return fleet.etcdLeader() != leader;
            } catch (AssertionError electionUnderWay) {
                return false;
            }
        });
        for (int i = 1; i <= 3; i++) {
            assertEquals(10, fleet.api(i).get("/v1/blocks").json().size(), "none lifted on host " + i);
            assertFalse(fleet.connects(BLOCKED_CLIENT, i), "enforced on host " + i);
        }

        assertEquals(201, fleet.block(2, "{\"prefix\":\"198.18.20.0/24\"}").status());
        for (int i = 1; i <= 3; i++) {
            int host = i;
            await("a block made after the leader died, on host " + i, Duration.ofSeconds(15),
                    () -> fleet.held(host, "198.18.20.0/24") != null);
            assertEquals(11, fleet.api(i).get("/v1/blocks").json().size(), "none lost on host " + i);
        }
        String keys = fleet.etcdctl("get", "/synguard/blocks/", "--prefix", "--keys-only");
        assertEquals(11, keys.lines().filter(l -> l.startsWith("/synguard/blocks/")).count(), keys);
        assertTrue(fleet.fleetOf(1).get("connected").asBoolean());
    }
}

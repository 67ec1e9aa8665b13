package io.synguard.bench;

import io.synguard.host.HostCommand;
import io.synguard.json.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The live benchmarks, shortened, as CI runs them: they build their world, flood, measure every
 * filter and protection, write their JSON, and leave nothing behind. They need root; under CI=true
 * they fail without it.
 */
class BenchmarksIT {

    @BeforeAll
    static void root() {
        boolean root = "root".equals(System.getProperty("user.name"));
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(root, "the live benchmarks need root, and CI runs as root");
        }
        assumeTrue(root, "the live benchmarks need root");
        System.setProperty("synguard.root", Path.of("..").toAbsolutePath().normalize().toString());
    }

    @Test
    void peersMeasuresEveryFilterInEveryScenarioAndCleansUp(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("peers.json");
        Path chart = dir.resolve("peers.svg");

        assertEquals(0, Suite.commandLine().execute("peers", "--rounds", "1", "--seconds", "1", "--blocklist", "65536",
                "--json", json.toString(), "--chart", chart.toString()));

        JsonNode rows = Json.mapper().readTree(Files.readString(json)).get("results");
        int tables = 3 * PeersBench.Placement.values().length;
        assertEquals(tables * PeersBench.FILTERS.size(), rows.size(), rows.toString());
        Set<String> seen = new HashSet<>();
        for (JsonNode row : rows) {
            String filter = row.get("filter").asText();
            seen.add(row.get("scenario").asText() + "/" + row.get("placement").asText() + "/" + filter);
            assertTrue(row.get("ratio").isNumber(), "against " + row.get("against").asText() + ": " + row);
            assertTrue(row.get("gen_mpps").asDouble() > 0.05, row.toString());
            assertTrue(row.get("rx_mpps").asDouble() > 0, row.toString());
            assertTrue(row.get("napi_ns_per_frame").asDouble() > 0, "the NAPI thread's CPU time was read: " + row);
            if (!filter.equals("xdp_pass") && !(filter.equals("xdp-filter") && row.get("scenario").asText().equals("blocklist-1m"))) {
                assertTrue(row.get("drop_mpps").asDouble() > 0, "it dropped: " + row);
            }
        }
        assertEquals(tables * PeersBench.FILTERS.size(), seen.size());
        assertTrue(Files.readString(chart).contains("</svg>"));
        assertNothingLeft();
    }

    @Test
    void peersPacedOffersEveryFilterTheRateAskedWhichSynguardTakesInWhole(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("peers-paced.json");

        assertEquals(0, Suite.commandLine().execute("peers", "--rounds", "1", "--seconds", "1", "--only", "single-source",
                "--filters", "xdp_drop,parse_drop,synguard", "--placements", "OTHER_CPU", "--rate", "500000",
                "--json", json.toString()));

        JsonNode result = Json.mapper().readTree(Files.readString(json));
        assertEquals(500_000, result.get("offered_pps").asLong());
        for (JsonNode row : result.get("results")) {
            double sent = row.get("gen_mpps").asDouble();
            assertEquals(0.5, sent, 0.1, "paced at the rate asked: " + row);
            // far below what any of them can take: nothing overflows the ring but what a loaded machine loses
            assertTrue(row.get("rx_mpps").asDouble() >= 0.9 * sent, "taken in whole: " + row);
        }
        assertNothingLeft();
    }

    @Test
    void dataplaneSaysHowManyPacketsMissesOneMissOverlaps(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("dataplane.json");

        assertEquals(0, Suite.commandLine().execute("dataplane", "--quick", "--rounds", "1", "--only", "one-miss-chained",
                "--json", json.toString()));

        JsonNode result = Json.mapper().readTree(Files.readString(json));
        Set<String> scenarios = new HashSet<>();
        result.get("results").forEach(row -> scenarios.add(row.get("scenario").asText()));
        assertEquals(Set.of("xdp_drop", "parse_drop", "pool-drop", "one_miss", "one-miss-chained"), scenarios);
        JsonNode overlap = null;
        for (JsonNode t : result.get("targets")) {
            if (t.get("target").asText().startsWith("one_miss, packets overlapped")) {
                overlap = t;
            }
        }
        assertTrue(overlap != null, result.get("targets").toString());
        // each chained read waits for the one before: never cheaper than reads that may overlap
        assertTrue(overlap.get("value").asDouble() > 0.9, overlap.toString());
    }

    @Test
    void serviceUnderAttackComparesTheProtectionsAndSeesSynguardDetect(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("service.json");

        assertEquals(0, Suite.commandLine().execute("service", "--quick", "--seconds", "3", "--json", json.toString()));

        JsonNode result = Json.mapper().readTree(Files.readString(json));
        JsonNode rows = result.get("results");
        assertEquals(ServiceBench.RATES.length * ServiceBench.PROTECTIONS.size(), rows.size(), rows.toString());
        for (JsonNode row : rows) {
            assertTrue(row.get("legit_success_pct").isNumber(), row.toString());
            if (row.get("protection").asText().equals("synguard") && row.get("flood").asText().equals("flat out")) {
                assertFalse(row.get("detect_s").isNull(), "synguard saw the flood: " + row);
            }
        }
        // spoofed: flat out and at 80 % of synguard's capacity, each protection; synguard answered from XDP
        assertEquals(2 * SpoofedSweep.PROTECTIONS.size(), result.get("spoofed").size(), result.get("spoofed").toString());
        for (JsonNode row : result.get("spoofed")) {
            assertTrue(row.get("legit_success_pct").isNumber() && row.get("answered_mpps").asDouble() > 0, row.toString());
        }
        assertEquals(1 + SpoofedSweep.PROTECTIONS.size(), result.get("capacity").size());
        JsonNode reflector = result.get("capacity").get(0);
        assertEquals(SpoofedSweep.REFLECTOR, reflector.get("protection").asText());
        assertTrue(reflector.get("answered_mpps").asDouble() > 0, "parse_tx answers with XDP_TX: " + reflector);
        assertTrue(result.at("/targets/capacity_ratio").asDouble() > 1, "synguard's cookies out-answer the kernel's: "
                + result.get("capacity"));
        assertNothingLeft();
    }

    private static void assertNothingLeft() {
        String prefix = "sgb-" + ProcessHandle.current().pid() + "-";
        assertFalse(HostCommand.run("ip", "netns", "list").contains(prefix), "a namespace is left");
        assertFalse(HostCommand.run("cat", "/proc/mounts").contains("synguard-bench-bpffs-" + ProcessHandle.current().pid() + "-"),
                "a bpffs of this run is left mounted");
    }
}

package io.synguard.bench;

import io.synguard.json.Json;
import io.synguard.net.Prefix;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeersReportTest {

    private static final PeersBench.Table OTHER = new PeersBench.Table("single-source", PeersBench.Placement.OTHER_CPU);
    private static final PeersBench.Table SAME = new PeersBench.Table("single-source", PeersBench.Placement.SAME_CPU);

    /**
     * Round 1 is a slow minute for every filter, round 2 a fast one, round 3 in between; with NAPI
     * on the generator's CPU, parse_drop keeps up with xdp_drop, on the other it does not.
     */
    private static List<PeersBench.Trial> trials() {
        List<PeersBench.Trial> t = new ArrayList<>();
        double[] speed = {0.5, 2.0, 1.0};
        for (int round = 1; round <= 3; round++) {
            double s = speed[round - 1];
            t.add(new PeersBench.Trial(OTHER, "xdp_drop", round, 8 * s, 6 * s, 6 * s, 1000 / (6 * s)));
            t.add(new PeersBench.Trial(OTHER, "parse_drop", round, 8 * s, 3 * s, 3 * s, 1000 / (3 * s)));
            t.add(new PeersBench.Trial(OTHER, "synguard", round, 8 * s, 2.88 * s, 2.88 * s, 1000 / (2.88 * s)));
            t.add(new PeersBench.Trial(OTHER, "nftables", round, 8 * s, 0.6 * s, 0.6 * s, 1000 / (0.6 * s)));
            t.add(new PeersBench.Trial(OTHER, "xdp_pass", round, 8 * s, 0.2 * s, 0, 1000 / (0.2 * s)));
            t.add(new PeersBench.Trial(SAME, "xdp_drop", round, 4 * s, 4 * s, 4 * s, 1000 / (4 * s)));
            t.add(new PeersBench.Trial(SAME, "parse_drop", round, 4 * s, 4 * s, 4 * s, 1000 / (4 * s)));
            t.add(new PeersBench.Trial(SAME, "synguard", round, 4 * s, 2 * s, 2 * s, 1000 / (2 * s)));
        }
        return t;
    }

    private static PeersBench.Report report() {
        return new PeersBench.Report(trials(), Map.of("single-source/synguard", "enforce"), "benchmarks/run peers --quick", Duration.ofSeconds(2), 0);
    }

    @Test
    void writesTheJsonBenchmarksMdAsksForWithRatiosTakenWithinARound() throws Exception {
        JsonNode json = Json.mapper().readTree(report().result().json());

        assertTrue(json.get("machine").has("cpu") && json.get("machine").has("kernel"));
        JsonNode rows = json.get("results");
        assertEquals(8, rows.size());
        Set<String> filters = new HashSet<>();
        for (JsonNode row : rows) {
            Set<String> keys = new HashSet<>();
            row.fieldNames().forEachRemaining(keys::add);
            assertEquals(Set.of("scenario", "placement", "filter", "rx_mpps", "drop_mpps", "gen_mpps", "repeats",
                    "ratio_to_ceiling", "ratio", "against", "napi_ns_per_frame", "capacity_mpps", "capacity_ratio"), keys);
            assertEquals(3, row.get("repeats").asInt());
            assertEquals("parse_drop", row.get("against").asText(), "a single source needs a parse and a cached probe");
            filters.add(row.get("filter").asText());
        }
        assertEquals(Set.of("xdp_drop", "parse_drop", "synguard", "nftables", "xdp_pass"), filters);
        JsonNode synguard = rows.get(3);
        assertEquals("synguard", synguard.get("filter").asText(), "filters in the issue's order");
        assertEquals("napi-other-cpu", synguard.get("placement").asText());
        assertEquals(2.88, synguard.get("rx_mpps").asDouble(), 1e-9);
        assertEquals(0.48, synguard.get("ratio_to_ceiling").asDouble(), 1e-9);
        assertEquals(0.96, synguard.get("ratio").asDouble(), 1e-9);
        assertEquals(1000 / 2.88, synguard.get("napi_ns_per_frame").asDouble(), 1e-9, "the median round's");
        assertEquals(0.96, synguard.get("capacity_ratio").asDouble(), 1e-9, "flat out, busy throughout: as received");
        JsonNode sameCpu = rows.get(7);
        assertEquals("napi-same-cpu", sameCpu.get("placement").asText());
        assertEquals(0.5, sameCpu.get("ratio").asDouble(), 1e-9);
    }

    @Test
    void judgesTheGoalsOnRatiosNotOnAbsoluteRates() {
        List<String[]> goals = report().goals();

        assertEquals("yes", goals.stream().filter(g -> g[0].equals("single-source (napi-other-cpu): synguard / parse_drop (received)"))
                .findFirst().orElseThrow()[3]);
        assertTrue(goals.stream().noneMatch(g -> g[0].contains("napi-same-cpu") && g[0].contains("received")),
                "the goal is set for NAPI on the other CPU");
        assertEquals("yes", goals.stream().filter(g -> g[0].equals("single-source (napi-other-cpu): synguard / nftables (dropped)"))
                .findFirst().orElseThrow()[3], "4.8x nftables");
        assertTrue(goals.stream().noneMatch(g -> g[0].contains("iptables")), "no goal for a filter that did not run");
        String markdown = report().markdown();
        assertTrue(markdown.contains("| synguard | 2.88 | 2.88 | 8.00 | 0.48 | 0.96 | 347 | 2.88 | 0.96 | enforce |"), markdown);
        assertTrue(markdown.contains("**single-source, NAPI on the generator's CPU**"), markdown);
    }

    @Test
    void saysWhetherTheFloodWasFlatOutOrPacedAndAtWhatRate() throws Exception {
        PeersBench.Report paced = new PeersBench.Report(trials(), Map.of(), "benchmarks/run peers --rate 6000000",
                Duration.ofSeconds(2), 6_000_000);

        assertTrue(report().markdown().contains("3 interleaved rounds of 2.0 s floods, flat out;"), report().markdown());
        assertEquals(0, Json.mapper().readTree(report().result().json()).get("offered_pps").asLong());
        assertTrue(paced.markdown().contains("floods, paced at 6.00 Mpps, 64 frames at a time;"), paced.markdown());
        assertEquals(6_000_000, Json.mapper().readTree(paced.result().json()).get("offered_pps").asLong());
    }

    @Test
    void aFilterThatKeepsUpWithAPacedFloodIsStillJudgedByWhatAFrameCostsIt() {
        List<PeersBench.Trial> t = new ArrayList<>();
        for (int round = 1; round <= 3; round++) {
            t.add(new PeersBench.Trial(OTHER, "xdp_drop", round, 6, 5.9, 5.9, 80));
            t.add(new PeersBench.Trial(OTHER, "parse_drop", round, 6, 5.9, 5.9, 100));
            t.add(new PeersBench.Trial(OTHER, "synguard", round, 6, 5.9, 5.9, 125 + round));
            t.add(new PeersBench.Trial(OTHER, "xdp-filter", round, 6, 5.9, 5.9, (125 + round) / 2.0));
        }
        PeersBench.Report paced = new PeersBench.Report(t, Map.of(), "benchmarks/run peers --rate 6000000",
                Duration.ofSeconds(2), 6_000_000);

        List<String[]> goals = paced.goals();
        assertTrue(goals.stream().noneMatch(g -> g[0].contains("(received)")), "both took in all they were offered: no goal");
        String[] capacity = goals.stream().filter(g -> g[0].endsWith("synguard / parse_drop (capacity)")).findFirst().orElseThrow();
        assertEquals("0.79", capacity[1], "100 ns against the median 127");
        assertEquals("NO", capacity[3]);
        List<String[]> xdpFilter = goals.stream().filter(g -> g[0].endsWith("synguard / xdp-filter (capacity)")).toList();
        assertEquals(List.of(">= 1", ">= 2"), xdpFilter.stream().map(g -> g[2]).toList(), "its equal, and twice it");
        assertTrue(xdpFilter.stream().allMatch(g -> g[1].equals("0.50") && g[3].equals("NO")),
                "the peers too, by what a frame costs: half xdp-filter's capacity, not the same drops");
    }

    @Test
    void chartsEveryFilterOfEveryScenario() {
        String svg = report().svg();

        assertTrue(svg.startsWith("<svg") && svg.strip().endsWith("</svg>"));
        assertTrue(svg.contains("under test, flat out, Mpps"), "says how the flood was sent");
        for (String f : List.of("xdp_drop", "synguard", "nftables", "xdp_pass")) {
            assertTrue(svg.contains(">" + f + "</text>"), f);
        }
    }

    @Test
    void theBlocklistHoldsEveryAttackerAndNothingElseOfTheBenchmarkRange() {
        List<Prefix> list = PeerScenario.BLOCKLIST.blocklist(100_000);

        assertEquals(100_000, list.size());
        assertEquals(100_000, new HashSet<>(list).size(), "distinct");
        Prefix attack = Prefix.parse("198.19.0.0/16");
        Prefix bench = Prefix.parse("198.18.0.0/15");
        assertEquals(65_536, list.stream().filter(attack::contains).count());
        assertFalse(list.stream().anyMatch(p -> bench.contains(p) && !attack.contains(p)));
        assertEquals(65_536, PeerScenario.BLOCKLIST.attackers().length);
        assertEquals(List.of(Prefix.parse("198.19.0.66")), PeerScenario.SINGLE_SOURCE.blocklist(1_000_000));
        assertEquals(256, PeerScenario.RANDOM_SOURCE.attackers().length);
        assertTrue(PeerScenario.RANDOM_SOURCE.blocklist(1_000_000).isEmpty());
    }
}

package io.synguard.bench;

import io.synguard.json.Json;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultTest {

    record Row(String scenario, double nsPerPacket, Double ratio) {}

    @Test
    void writesValidJsonWhateverTheStringsHoldWithTheFieldsInSnakeCase() throws Exception {
        String command = "benchmarks/run peers --json \"my results\\peers.json\"\n";

        JsonNode json = Json.mapper().readTree(new Result(command).with("trial_seconds", 2.0)
                .with("results", List.of(new Row("a \"quoted\" one", 12.5, null))).json());

        assertEquals(command, json.get("command").asText());
        assertTrue(json.get("machine").has("cpu") && json.get("machine").has("libbpf"));
        assertTrue(json.has("time"));
        assertEquals(2.0, json.get("trial_seconds").asDouble());
        JsonNode row = json.get("results").get(0);
        assertEquals("a \"quoted\" one", row.get("scenario").asText());
        assertEquals(12.5, row.get("ns_per_packet").asDouble());
        assertTrue(row.get("ratio").isNull(), "no figure is null, not NaN");
    }

    @Test
    void oneMedianForEverySuite() {
        assertEquals(2.0, Stats.median(new double[]{3, 1, 2}));
        assertEquals(2.5, Stats.median(new double[]{4, 1, 3, 2}));
        assertTrue(Double.isNaN(Stats.median(new double[0])));
        assertEquals(List.of(2.0, 0.5), List.of(Stats.ratios(new double[]{4, 1}, new double[]{2, 2})[0],
                Stats.ratios(new double[]{4, 1}, new double[]{2, 2})[1]));
        assertEquals(null, Stats.ratios(new double[]{1}, new double[]{1, 2}), "rounds that do not pair");
    }
}

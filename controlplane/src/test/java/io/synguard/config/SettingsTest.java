package io.synguard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synguard.json.Json;

import java.util.Iterator;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettingsTest {
    /** The GET /v1/config example of shared/API.md, verbatim. */
    private static final String API_EXAMPLE = """
            {"mode":"enforce","rate_limit":{"syn_pps":100,"burst":200},
             "detection":{"interval_ms":1000,"min_threshold_pps":5000,"auto_block":true,
                          "auto_block_ttl_s":600}}
            """;

    private static JsonNode json(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void defaultsShowEveryValueOfTheApiExample() {
        JsonNode served = json(Settings.DEFAULTS.toJson().toString());
        assertContains(json(API_EXAMPLE), served, "");
    }

    /** Every field of expected is in actual with the same value; actual may have more (API.md: extend, never break). */
    private static void assertContains(JsonNode expected, JsonNode actual, String path) {
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = path + "/" + e.getKey();
            assertTrue(actual.has(e.getKey()), "missing " + at + " in " + actual);
            if (e.getValue().isObject()) {
                assertContains(e.getValue(), actual.get(e.getKey()), at);
            } else {
                assertEquals(e.getValue(), actual.get(e.getKey()), at);
            }
        }
    }

    @Test
    void theApiExampleAsAPatchChangesNothingOfTheDefaults() {
        assertEquals(Settings.DEFAULTS, Settings.DEFAULTS.patched(json(API_EXAMPLE)));
    }

    @Test
    void aWholeDocumentReadsBackAsWritten() {
        Settings s = Settings.DEFAULTS.patched(json("{\"mode\":\"monitor\",\"detection\":{\"widen_v4_len\":16}}"));
        assertEquals(s, Settings.parse(s.toJson()));
    }

    @Test
    void aPatchChangesWhatItNamesAndKeepsTheRest() {
        Settings s = Settings.DEFAULTS.patched(json("{\"detection\":{\"min_threshold_pps\":8000}}"));
        assertEquals(8000, s.detection().minThresholdPps());
        assertEquals(Settings.DEFAULTS.mode(), s.mode());
        assertEquals(Settings.DEFAULTS.rateLimit(), s.rateLimit());
        Settings.Detection d = Settings.DEFAULTS.detection();
        assertEquals(new Settings.Detection(d.intervalMs(), 8000, d.autoBlock(), d.autoBlockTtlS(),
                d.thresholdFactor(), d.widenV4Len(), d.widenV6Len(), d.widenMinSources(), d.learningS(),
                d.hardThresholdPps()), s.detection());
    }

    @Test
    void aPatchOfTheModeAlone() {
        Settings s = Settings.DEFAULTS.patched(json("{\"mode\":\"monitor\"}"));
        assertEquals(Settings.Mode.MONITOR, s.mode());
        assertEquals(Settings.DEFAULTS.rateLimit(), s.rateLimit());
        assertEquals(Settings.DEFAULTS.detection(), s.detection());
        assertEquals("monitor", s.toJson().get("mode").asText());
    }

    @Test
    void cookiesAreAutoByDefaultAndPatchedByName() {
        assertEquals(Settings.Cookies.AUTO, Settings.DEFAULTS.cookies());
        assertEquals("auto", Settings.DEFAULTS.toJson().get("cookies").asText());
        for (Settings.Cookies c : Settings.Cookies.values()) {
            Settings s = Settings.DEFAULTS.patched(json("{\"cookies\":\"" + c.text() + "\"}"));
            assertEquals(c, s.cookies());
            assertEquals(Settings.DEFAULTS.withMode(s.mode()), s.patched(json("{\"cookies\":\"auto\"}")));
        }
    }

    @Test
    void aDocumentWithoutCookiesFromAnOlderJournalReadsAsAuto() {
        ObjectNode older = (ObjectNode) Settings.DEFAULTS.patched(json("{\"cookies\":\"off\"}")).toJson();
        older.remove("cookies");
        assertEquals(Settings.DEFAULTS, Settings.parse(older));
    }

    @Test
    void anEmptyPatchChangesNothing() {
        assertEquals(Settings.DEFAULTS, Settings.DEFAULTS.patched(json("{}")));
    }

    @Test
    void patchingLeavesTheOriginalAlone() {
        Settings before = Settings.DEFAULTS.patched(json("{}"));
        before.patched(json("{\"rate_limit\":{\"syn_pps\":5}}"));
        assertEquals(Settings.DEFAULTS, before);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"rate_limit\":{\"syn_pps\":-1}}                 | rate_limit.syn_pps",
            "{\"rate_limit\":{\"syn_pps\":1000001}}            | rate_limit.syn_pps",
            "{\"rate_limit\":{\"burst\":0}}                    | rate_limit.burst",
            "{\"detection\":{\"interval_ms\":0}}               | detection.interval_ms",
            "{\"detection\":{\"interval_ms\":60001}}           | detection.interval_ms",
            "{\"detection\":{\"min_threshold_pps\":0}}         | detection.min_threshold_pps",
            "{\"detection\":{\"min_threshold_pps\":-5000}}     | detection.min_threshold_pps",
            "{\"detection\":{\"auto_block_ttl_s\":0}}          | detection.auto_block_ttl_s",
            "{\"detection\":{\"threshold_factor\":1.0}}        | detection.threshold_factor",
            "{\"detection\":{\"widen_v4_len\":7}}              | detection.widen_v4_len",
            "{\"detection\":{\"widen_v4_len\":32}}             | detection.widen_v4_len",
            "{\"detection\":{\"widen_v6_len\":15}}             | detection.widen_v6_len",
            "{\"detection\":{\"widen_v6_len\":128}}            | detection.widen_v6_len",
            "{\"detection\":{\"widen_min_sources\":1}}         | detection.widen_min_sources",
            "{\"detection\":{\"learning_s\":-1}}               | detection.learning_s",
            "{\"detection\":{\"learning_s\":604801}}           | detection.learning_s",
            "{\"detection\":{\"hard_threshold_pps\":0}}        | detection.hard_threshold_pps",
            "{\"mode\":\"block\"}                              | 'block' is not one of enforce, monitor",
            "{\"cookies\":\"sometimes\"}                       | 'sometimes' is not one of off, auto, always at 'cookies'",
            "{\"cookies\":true}                                | cookies",
            "{\"mode\":null}                                   | mode, rate_limit and detection are all required",
            "{\"colour\":\"blue\"}                             | unknown field 'colour'",
            "{\"detection\":{\"auto_blok\":false}}             | unknown field 'auto_blok'",
            "{\"rate_limit\":{\"syn_pps\":\"100\"}}            | rate_limit.syn_pps",
            "{\"detection\":{\"interval_ms\":1000.5}}          | detection.interval_ms",
            "{\"detection\":{\"auto_block\":\"yes\"}}          | detection.auto_block",
            "{\"detection\":{\"min_threshold_pps\":null}}      | detection.min_threshold_pps",
            "[]                                                | a config patch is a JSON object",
    })
    void anInvalidPatchIsRefusedWithAReasonNamingWhatIsWrong(String patch, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.DEFAULTS.patched(json(patch)));
        assertTrue(e.getMessage().contains(reason), "'" + e.getMessage() + "' should say " + reason);
    }

    @Test
    void learningAndTheHardThresholdDefaultAsTheContractSays() {
        assertEquals(300, Settings.DEFAULTS.detection().learningS());
        assertEquals(50_000, Settings.DEFAULTS.detection().hardThresholdPps());
        Settings s = Settings.DEFAULTS.patched(json("{\"detection\":{\"learning_s\":0,\"hard_threshold_pps\":9000}}"));
        assertEquals(0, s.detection().learningS());
        assertEquals(9000, s.detection().hardThresholdPps());
    }

    @Test
    void settingsJournaledBeforeLearningExistedRestoreWithItsDefaults() {
        Settings s = Settings.restore(json("""
                {"mode":"monitor","rate_limit":{"syn_pps":100,"burst":200},
                 "detection":{"interval_ms":1000,"min_threshold_pps":7000,"auto_block":true,"auto_block_ttl_s":600,
                              "threshold_factor":3.0,"widen_v4_len":24,"widen_v6_len":64,"widen_min_sources":8}}"""));
        assertEquals(Settings.Mode.MONITOR, s.mode());
        assertEquals(7000, s.detection().minThresholdPps());
        assertEquals(300, s.detection().learningS());
        assertEquals(50_000, s.detection().hardThresholdPps());
    }
}

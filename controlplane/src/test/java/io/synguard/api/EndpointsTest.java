package io.synguard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.fleet.FleetStatus;
import io.synguard.config.Settings;
import io.synguard.dataplane.RuleKind;
import io.synguard.flowspec.Action;
import io.synguard.flowspec.FlowRule;
import io.synguard.flowspec.FlowSpecStatus;
import io.synguard.metrics.Metrics;
import io.synguard.net.Prefix;

import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every endpoint of API.md against a fake service: the happy path and its status, and for every
 * bad input its 4xx with nothing changed (no change reached the data plane's lists, the policy or
 * the settings).
 */
class EndpointsTest extends OnFakeService {
    private static final String BLOCK_BODY = "{\"prefix\":\"198.18.1.0/24\",\"ttl_s\":3600,\"reason\":\"abuse ticket 42\"}";

    private void assertNothingChanged() {
        assertEquals(List.of(), service.store.changes, "changes reached the data plane");
        assertEquals(0, service.policy().size(RuleKind.BLOCK), "blocks");
        assertEquals(0, service.policy().size(RuleKind.ALLOW), "allows");
        assertEquals(List.of(), service.applied, "settings patches applied");
        assertEquals(Settings.DEFAULTS, service.settings());
    }

    // ---- routes and auth ---------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({
            "GET, /v1/status", "GET, /v1/blocks", "POST, /v1/blocks", "DELETE, /v1/blocks/198.18.1.0%2F24",
            "GET, /v1/allows", "POST, /v1/allows", "DELETE, /v1/allows/198.18.1.0%2F24", "GET, /v1/config",
            "PATCH, /v1/config", "GET, /v1/top", "GET, /metrics", "GET, /v1/openapi.json", "GET, /v1/flowspec",
    })
    void everyPathButHealthzNeedsTheTokenAndChangesNothingWithout(String method, String path) {
        String body = method.equals("PATCH") ? "{\"mode\":\"monitor\"}" : method.equals("POST") ? BLOCK_BODY : null;
        api.call(method, path, body, null).assertError(401);
        api.call(method, path, body, "not-the-token").assertError(401);
        assertNothingChanged();
    }

    @Test
    void unknownPathIs404AndKnownPathWithWrongMethodIs405() {
        api.get("/v1/nothing").assertError(404);
        Exchange.Reply reply = api.call("PUT", "/v1/blocks", BLOCK_BODY, TOKEN).assertError(405);
        assertEquals("GET, POST", reply.headers().get("Allow"));
        assertNothingChanged();
    }

    // ---- health, status -----------------------------------------------------------------------------

    @Test
    void healthzIsOkWithoutTokenOnceAttached() {
        Exchange.Reply reply = api.call("GET", "/healthz", null, null);
        assertEquals(200, reply.status());
        assertEquals("{\"status\":\"ok\"}", reply.body());
    }

    @Test
    void healthzIsNotOkBeforeAttach() {
        service.attached = false;
        api.call("GET", "/healthz", null, null).assertError(503);
    }

    @Test
    void statusHasTheShapeOfApiMd() {
        JsonNode s = api.getJson("/v1/status");
        assertEquals("eth0", s.get("interface").asText());
        assertEquals("native", s.get("attach_mode").asText());
        assertEquals("enforce", s.get("mode").asText());
        assertEquals(12, s.get("uptime_s").asLong());
        assertEquals(false, s.get("attack").get("active").asBoolean());
        assertTrue(s.get("attack").get("since").isNull());
        assertEquals(7, s.get("attack").get("syn_pps").asLong());
        assertEquals(5000, s.get("attack").get("threshold_pps").asLong());
        String[] totals = {"packets", "tcp", "syn", "syn_passed", "dropped_blocklist", "dropped_ratelimit",
                "passed_allowlist", "malformed", "cookies_sent", "cookies_validated", "cookies_rejected"};
        for (int i = 0; i < totals.length; i++) {
            assertEquals(1001 + i, s.get("totals").get(totals[i]).asLong(), totals[i]);
        }
        assertEquals(11, s.get("rates").get("packets_pps").asLong());
        assertEquals(12, s.get("rates").get("syn_pps").asLong());
        assertEquals(13, s.get("rates").get("dropped_pps").asLong());
        JsonNode c = s.get("cookies");
        assertEquals("auto", c.get("mode").asText());
        assertTrue(c.get("active").asBoolean());
        assertEquals("2026-11-24T12:00:00Z", c.get("since").asText());
        assertEquals("kfunc", c.get("method").asText());
    }

    /** The fleet with no fleet engine, FlowSpec with no speaker: "none", not connected, nothing held. */
    @ParameterizedTest
    @CsvSource({"/v1/fleet, engine, members", "/v1/flowspec, speaker, announced"})
    void aPartNotConfiguredSaysNoneAndHoldsNothing(String path, String engine, String held) {
        JsonNode f = api.getJson(path);
        assertEquals("none", f.get(engine).asText());
        assertFalse(f.get("connected").asBoolean());
        assertEquals(0, f.get(held).size());
    }

    @Test
    void fleetHasNoLastSyncWhenTheHostIsInNoFleetAndLocalBlocksCarryNoHost() {
        assertTrue(api.getJson("/v1/fleet").get("last_sync").isNull());
        assertEquals(201, api.post("/v1/blocks", BLOCK_BODY).status());
        assertFalse(api.getJson("/v1/blocks").get(0).has("host"));
    }

    @Test
    void inAFleetTheHostsOwnEntriesNameItAsTheirHost() {
        service.fleet = new FleetStatus("etcd", "edge-1", true, List.of(), 1, 0, null, 0, 0, 0);
        JsonNode made = api.post("/v1/blocks", BLOCK_BODY).json();
        assertEquals("edge-1", made.get("host").asText());
        assertEquals("edge-1", api.getJson("/v1/blocks").get(0).get("host").asText());
    }

    @Test
    void flowspecListsWhatIsAnnouncedAndMetricsCountIt() {
        service.flowspec = new FlowSpecStatus("gobgp", "127.0.0.1:50051", false, "discard", 100,
                List.of(new FlowRule(Prefix.parse("198.18.1.0/24"), Prefix.parse("198.19.0.0/16"), Action.DISCARD),
                        new FlowRule(Prefix.parse("2001:2::/48"), null, new Action(1000))),
                3, 1, 2, FakeService.NOW, 5, 3, 2, "AddPath: UNAVAILABLE", FakeService.NOW.plusSeconds(1));
        JsonNode f = api.getJson("/v1/flowspec");
        assertEquals("{\"source\":\"198.18.1.0/24\",\"destination\":\"198.19.0.0/16\",\"protocol\":\"tcp\","
                + "\"tcp_flags\":\"syn&!ack\",\"action\":\"discard\"}", f.get("announced").get(0).toString());
        assertTrue(f.get("announced").get(1).get("destination").isNull());
        assertEquals("rate-limit:1000", f.get("announced").get(1).get("action").asText());
        assertEquals("AddPath: UNAVAILABLE", f.get("last_error").asText());
        assertEquals("2026-11-24T12:00:01Z", f.get("retry_at").asText());
        assertEquals(1, f.get("local_only").asInt());
        assertEquals(2, f.get("excluded").asInt());

        Metrics metrics = service.metrics();
        metrics.flowspec(service::flowspec);
        try (Exchange withFlowSpec = new Exchange(new Endpoints(service, metrics,
                new Audit(InstantSource.fixed(FakeService.NOW))).router(false), TOKEN)) {
            String text = withFlowSpec.get("/metrics").body();
            for (String line : List.of("synguard_flowspec_connected 0.0", "synguard_flowspec_announced 2.0",
                    "synguard_flowspec_local_only 1.0", "synguard_flowspec_excluded 2.0", "synguard_flowspec_failures 2.0",
                    "synguard_flowspec_added_total 5.0", "synguard_flowspec_withdrawn_total 3.0")) {
                assertTrue(text.contains(line + "\n"), line + " in\n" + text);
            }
        }
    }

    // ---- blocks and allows ----------------------------------------------------------------------------

    @Test
    void postingABlockReturns201WithTheBlock() {
        Exchange.Reply reply = api.post("/v1/blocks", BLOCK_BODY);
        assertEquals(201, reply.status(), reply.body());
        JsonNode b = reply.json();
        assertEquals("198.18.1.0/24", b.get("prefix").asText());
        assertEquals("operator", b.get("origin").asText());
        assertEquals("abuse ticket 42", b.get("reason").asText());
        assertEquals("2026-11-24T12:00:00Z", b.get("created").asText());
        assertEquals("2026-11-24T13:00:00Z", b.get("expires").asText());
        assertEquals(0, b.get("hits").asLong());
        assertEquals(List.of("put BLOCK 198.18.1.0/24 expires 2026-11-24T13:00:00Z"), service.store.changes);
    }

    @Test
    void aBlockWithoutTtlIsPermanent() {
        Exchange.Reply reply = api.post("/v1/blocks", "{\"prefix\":\"198.18.1.0/24\"}");
        assertEquals(201, reply.status(), reply.body());
        assertTrue(reply.json().get("expires").isNull(), reply.body());
        assertTrue(reply.json().get("reason").isNull(), reply.body());
    }

    @ParameterizedTest
    @CsvSource({
            "198.18.1.7/24, 198.18.1.0/24",
            "198.18.1.7, 198.18.1.7/32",
            "2001:db8::7, 2001:db8::7/128",
            "2001:0DB8:0000:0000:0001::5/64, 2001:db8::/64",
    })
    void prefixesAreStoredCanonically(String given, String stored) {
        Exchange.Reply reply = api.post("/v1/blocks", "{\"prefix\":\"" + given + "\"}");
        assertEquals(201, reply.status(), reply.body());
        assertEquals(stored, reply.json().get("prefix").asText());
        assertEquals(List.of("put BLOCK " + stored + " expires null"), service.store.changes);
        assertTrue(service.policy().blocked(Prefix.parse(stored)));
    }

    @Test
    void postingAnExistingPrefixReplacesItsTtlAndReason() {
        assertEquals(201, api.post("/v1/blocks", BLOCK_BODY).status());
        Exchange.Reply again = api.post("/v1/blocks", "{\"prefix\":\"198.18.1.9/24\",\"reason\":\"second\"}");
        assertEquals(201, again.status(), again.body());
        JsonNode list = api.get("/v1/blocks").json();
        assertEquals(1, list.size(), list.toString());
        assertEquals("second", list.get(0).get("reason").asText());
        assertTrue(list.get(0).get("expires").isNull());
    }

    @Test
    void listingBlocksShowsEachWithItsHits() {
        api.post("/v1/blocks", BLOCK_BODY);
        service.store.hits.put(Prefix.parse("198.18.1.0/24"), 1234L);
        JsonNode list = api.getJson("/v1/blocks");
        assertEquals(1, list.size());
        assertEquals("198.18.1.0/24", list.get(0).get("prefix").asText());
        assertEquals(1234, list.get(0).get("hits").asLong());
        assertEquals("[]", api.get("/v1/allows").body());
    }

    @Test
    void deletingABlockReturns204AndRemovesIt() {
        api.post("/v1/blocks", BLOCK_BODY);
        Exchange.Reply reply = api.delete("/v1/blocks/198.18.1.0%2F24");
        assertEquals(204, reply.status(), reply.body());
        assertEquals("", reply.body());
        assertEquals("[]", api.get("/v1/blocks").body());
        assertEquals("remove BLOCK 198.18.1.0/24", service.store.changes.getLast());
    }

    @Test
    void deletingTakesAUrlEncodedIpv6Prefix() {
        api.post("/v1/blocks", "{\"prefix\":\"2001:db8::/32\"}");
        assertEquals(204, api.delete("/v1/blocks/2001%3Adb8%3A%3A%2F32").status());
        assertEquals(0, service.policy().size(RuleKind.BLOCK));
    }

    @Test
    void deletingAnAbsentBlockIs404() {
        api.delete("/v1/blocks/198.18.1.0%2F24").assertError(404);
        assertEquals(0, service.policy().size(RuleKind.BLOCK));
    }

    @ParameterizedTest
    @ValueSource(strings = {"300.1.1.1%2F8", "10.0.0.0%2F33", "%3A%3A1%2F129", "%20", "nonsense", "%zz"})
    void deletingAnInvalidPrefixIs400AndChangesNothing(String encoded) {
        api.post("/v1/blocks", BLOCK_BODY);
        List<String> before = List.copyOf(service.store.changes);
        api.delete("/v1/blocks/" + encoded).assertError(400);
        api.delete("/v1/allows/" + encoded).assertError(400);
        assertEquals(before, service.store.changes);
        assertEquals(1, service.policy().size(RuleKind.BLOCK));
    }

    @Test
    void allowsTakeTheSameShapesAndLeaveBlocksAlone() {
        Exchange.Reply posted = api.post("/v1/allows", "{\"prefix\":\"203.0.113.9/24\",\"reason\":\"partner\"}");
        assertEquals(201, posted.status(), posted.body());
        assertEquals("203.0.113.0/24", posted.json().get("prefix").asText());
        assertEquals("operator", posted.json().get("origin").asText());
        assertTrue(posted.json().get("expires").isNull());
        assertEquals(List.of("put ALLOW 203.0.113.0/24 expires null"), service.store.changes);

        JsonNode list = api.get("/v1/allows").json();
        assertEquals(1, list.size());
        assertEquals("partner", list.get(0).get("reason").asText());
        assertEquals("[]", api.get("/v1/blocks").body());

        assertEquals(204, api.delete("/v1/allows/203.0.113.0%2F24").status());
        assertEquals("[]", api.get("/v1/allows").body());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"prefix\":\"300.1.1.1/8\"}",
            "{\"prefix\":\"10.0.0.0/33\"}",
            "{\"prefix\":\"::1/129\"}",
            "{\"prefix\":\"\"}",
            "{\"prefix\":\"198.18.1.0/24\",\"bogus\":1}",
            "{\"prefix\":\"198.18.1.0/24\",\"ttl_s\":\"x\"}",
            "{\"prefix\":\"198.18.1.0/24\",\"ttl_s\":1.5}",
            "{\"prefix\":\"198.18.1.0/24\",\"ttl_s\":-1}",
            "{\"prefix\":\"198.18.1.0/24\",\"ttl_s\":0}",
            "{\"prefix\":\"198.18.1.0/24\",\"ttl_s\":99999999999999999999}",
            "{\"prefix\":\"198.18.1.0/24\",\"reason\":7}",
            "{\"prefix\":198}",
            "{\"ttl_s\":60}",
            "{\"prefix\":\"198.18.1.0/24\"} x",
            "{\"prefix\":\"198.18.1.0/24\"}{}",
            "{\"prefix\":\"198.18.1.0/24\"",
            "{\"prefix\":\"198.18.1.0/24\",}",
            "",
            "null",
            "\"198.18.1.0/24\"",
            "not json",
    })
    void aBadBodyIs400AndChangesNothing(String body) {
        api.post("/v1/blocks", body).assertError(400);
        api.post("/v1/allows", body).assertError(400);
        assertNothingChanged();
    }

    @Test
    void anOverlongReasonOrTtlIs400() {
        api.post("/v1/blocks", "{\"prefix\":\"198.18.1.0/24\",\"reason\":\"" + "r".repeat(Endpoints.MAX_REASON + 1)
                + "\"}").assertError(400);
        api.post("/v1/blocks", "{\"prefix\":\"198.18.1.0/24\",\"ttl_s\":" + (Endpoints.MAX_TTL_S + 1) + "}")
                .assertError(400);
        assertNothingChanged();
    }

    // ---- bulk ------------------------------------------------------------------------------------

    @Test
    void aBulkArrayAddsEveryEntryAndSaysHowMany() {
        Exchange.Reply reply = api.post("/v1/blocks", "[{\"prefix\":\"198.18.1.7/24\",\"ttl_s\":60},"
                + "{\"prefix\":\"198.18.2.1\",\"reason\":\"r\"},{\"prefix\":\"2001:db8::/32\"}]");
        assertEquals(201, reply.status(), reply.body());
        assertEquals("{\"added\":3}", reply.body());
        assertEquals(List.of("putAll BLOCK [198.18.1.0/24, 198.18.2.1/32, 2001:db8::/32]"), service.store.changes);
        assertEquals(3, api.get("/v1/blocks").json().size());
    }

    @Test
    void aBulkArrayOfAllowsGoesToTheAllowlist() {
        Exchange.Reply reply = api.post("/v1/allows", "[{\"prefix\":\"203.0.113.0/24\"},{\"prefix\":\"::1\"}]");
        assertEquals(201, reply.status(), reply.body());
        assertEquals(2, reply.json().get("added").asLong());
        assertEquals(2, service.policy().size(RuleKind.ALLOW));
        assertEquals(0, service.policy().size(RuleKind.BLOCK));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"prefix\":\"10.0.0.0/33\"}",
            "{\"prefix\":\"300.1.1.1/8\"}",
            "{\"prefix\":\"\"}",
            "{\"prefix\":\"10.0.0.1\",\"bogus\":1}",
            "{\"prefix\":\"10.0.0.1\",\"ttl_s\":\"x\"}",
            "{\"prefix\":\"10.0.0.1\",\"ttl_s\":-5}",
            "{}",
            "\"10.0.0.1\"",
            "[]",
            "null",
    })
    void aBulkArrayWithOneBadEntryIsRefusedWhole(String bad) {
        String body = "[{\"prefix\":\"198.18.1.0/24\"}," + bad + ",{\"prefix\":\"198.18.3.0/24\"}]";
        api.post("/v1/blocks", body).assertError(400);
        api.post("/v1/allows", body).assertError(400);
        assertNothingChanged();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[{\"prefix\":\"198.18.1.0/24\"}",
            "[{\"prefix\":\"198.18.1.0/24\"},",
            "[{\"prefix\":\"198.18.1.0/24\"}] x",
            "[{\"prefix\":\"198.18.1.0/24\"}][]",
    })
    void aMalformedBulkArrayIsRefusedWhole(String body) {
        api.post("/v1/blocks", body).assertError(400);
        assertNothingChanged();
    }

    @Test
    void anEmptyBulkArrayAddsNothing() {
        Exchange.Reply reply = api.post("/v1/blocks", "[]");
        assertEquals(201, reply.status(), reply.body());
        assertEquals("{\"added\":0}", reply.body());
        assertEquals("[]", api.get("/v1/blocks").body());
        assertTrue(service.store.changes.stream().allMatch(c -> c.equals("putAll BLOCK []")), service.store.changes::toString);
    }

    @Test
    void aBulkArrayOverTheLimitIsRefusedWhole() {
        String entry = "{\"prefix\":\"198.18.1.0/24\"},";
        StringBuilder body = new StringBuilder(entry.length() * (Endpoints.MAX_BULK + 1) + 2).append('[');
        body.repeat(entry, Endpoints.MAX_BULK + 1).setLength(body.length() - 1);
        body.append(']');
        api.send("POST", "/v1/blocks", body.toString().getBytes(StandardCharsets.UTF_8), TOKEN).assertError(413);
        assertNothingChanged();
    }

    // ---- config ----------------------------------------------------------------------------------

    @Test
    void configHasTheShapeOfApiMd() {
        JsonNode c = api.getJson("/v1/config");
        assertEquals("enforce", c.get("mode").asText());
        assertEquals(100, c.get("rate_limit").get("syn_pps").asLong());
        assertEquals(200, c.get("rate_limit").get("burst").asLong());
        assertEquals(1000, c.get("detection").get("interval_ms").asLong());
        assertEquals(5000, c.get("detection").get("min_threshold_pps").asLong());
        assertTrue(c.get("detection").get("auto_block").asBoolean());
        assertEquals(600, c.get("detection").get("auto_block_ttl_s").asLong());
        assertEquals("auto", c.get("cookies").asText());
    }

    @Test
    void cookiesArePatchedByName() {
        Exchange.Reply reply = api.patch("/v1/config", "{\"cookies\":\"always\"}");
        assertEquals(200, reply.status(), reply.body());
        assertEquals("always", reply.json().get("cookies").asText());
        assertEquals(Settings.Cookies.ALWAYS, service.settings().cookies());
        assertEquals("enforce", reply.json().get("mode").asText());
    }

    @Test
    void anUnknownCookiesValueIs400SayingWhichAreKnown() {
        Exchange.Reply reply = api.patch("/v1/config", "{\"cookies\":\"sometimes\"}").assertError(400);
        assertTrue(reply.body().contains("'sometimes' is not one of off, auto, always"), reply.body());
        assertNothingChanged();
    }

    @Test
    void patchingASubsetReturnsTheWholeNewConfig() {
        Exchange.Reply reply = api.patch("/v1/config", "{\"mode\":\"monitor\",\"rate_limit\":{\"burst\":400}}");
        assertEquals(200, reply.status(), reply.body());
        JsonNode c = reply.json();
        assertEquals("monitor", c.get("mode").asText());
        assertEquals(400, c.get("rate_limit").get("burst").asLong());
        assertEquals(100, c.get("rate_limit").get("syn_pps").asLong());
        assertEquals(5000, c.get("detection").get("min_threshold_pps").asLong());
        assertEquals(Settings.parse(c), Settings.parse(api.get("/v1/config").json()));
        assertEquals(1, service.applied.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"bogus\":1}",
            "{\"rate_limit\":{\"bogus\":1}}",
            "{\"mode\":\"loud\"}",
            "{\"cookies\":\"on\"}",
            "{\"cookies\":1}",
            "{\"mode\":null}",
            "{\"rate_limit\":{\"syn_pps\":\"x\"}}",
            "{\"rate_limit\":{\"burst\":0}}",
            "{\"rate_limit\":5}",
            "{\"detection\":{\"auto_block\":\"yes\"}}",
            "{\"detection\":{\"interval_ms\":1.5}}",
            "{\"mode\":\"monitor\"} x",
            "{\"mode\":\"monitor\"",
            "[]",
            "5",
            "null",
            "",
    })
    void aBadConfigPatchIs400AndChangesNothing(String body) {
        api.patch("/v1/config", body).assertError(400);
        assertNothingChanged();
        assertEquals(Settings.DEFAULTS, Settings.parse(api.get("/v1/config").json()));
    }

    // ---- top -------------------------------------------------------------------------------------

    @Test
    void topListsSourcesWithTheirRates() {
        service.top = List.of(FakeService.source("198.18.1.7", 120000, 119900),
                FakeService.source("203.0.113.9", 10.4, 0.6));
        Exchange.Reply reply = api.get("/v1/top?limit=5");
        assertEquals(200, reply.status());
        assertEquals("[{\"address\":\"198.18.1.7\",\"syn_pps\":120000,\"dropped_pps\":119900},"
                + "{\"address\":\"203.0.113.9\",\"syn_pps\":10,\"dropped_pps\":1}]", reply.body());
        assertEquals(List.of(5), service.topLimits);
    }

    @Test
    void topWritesIpv6AddressesAsPrefixesAre() {
        service.top = List.of(FakeService.source("2001:2:0:0:0:0:0:9", 500, 400));
        assertEquals("[{\"address\":\"2001:2::9\",\"syn_pps\":500,\"dropped_pps\":400}]",
                api.get("/v1/top").body());
    }

    @Test
    void topTakesLimitsFromOneToOneThousand() {
        assertEquals(200, api.get("/v1/top?limit=1").status());
        assertEquals(200, api.get("/v1/top?limit=1000").status());
        assertEquals(200, api.get("/v1/top").status());
        assertEquals(List.of(1, 1000, 10), service.topLimits);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1001", "abc", "", "1.5", "99999999999", "%20"})
    void topRefusesABadLimit(String limit) {
        api.get("/v1/top?limit=" + limit).assertError(400);
        assertEquals(List.of(), service.topLimits);
    }

    @Test
    void aLargeImportAsksForItsGarbageToBeCollectedAfterASmallOneDoesNot() {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < OperatorLists.RECLAIM_FROM; i++) {
            body.append(i == 0 ? "" : ",").append("{\"prefix\":\"10.").append(i >> 16).append('.')
                    .append(i >> 8 & 0xff).append('.').append(i & 0xff).append("\"}");
        }
        assertEquals(201, api.post("/v1/blocks", body.append(']').toString()).status());
        assertEquals(1, service.reclaims.get());
        assertEquals(201, api.post("/v1/blocks", "[{\"prefix\":\"198.18.1.0/24\"}]").status());
        assertEquals(1, service.reclaims.get());
    }
}

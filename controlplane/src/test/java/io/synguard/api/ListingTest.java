package io.synguard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.dataplane.RuleKind;
import io.synguard.net.Prefix;
import io.synguard.policy.Origin;
import io.synguard.policy.Policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /v1/blocks} and {@code /v1/allows} through the server's real pipeline: the order, the
 * pages of {@code ?limit=&after=} and their {@code Link} header, and every bad parameter a 400.
 */
class ListingTest {
    private static final String TOKEN = "listing-test-token-0123456789";
    /** Shuffled on purpose: the listing sorts. */
    private static final List<String> BLOCKS = List.of("2001:2::/48", "198.18.3.0/24", "198.18.1.7", "10.0.0.0/8",
            "198.18.1.0/24", "2001:2:0:1::/64", "198.19.0.1");
    private static final List<String> IN_ORDER = List.of("10.0.0.0/8", "198.18.1.0/24", "198.18.1.7/32",
            "198.18.3.0/24", "198.19.0.1/32", "2001:2::/48", "2001:2:0:1::/64");

    @TempDir
    Path dir;

    private FakeService service;
    private Exchange api;

    @BeforeEach
    void blocksListed() {
        service = new FakeService(dir);
        service.policy().putAll(RuleKind.BLOCK,
                BLOCKS.stream().map(b -> new Policy.Request(Prefix.parse(b), null, "r " + b)).toList(), Origin.OPERATOR);
        api = new Exchange(service.router(), TOKEN);
    }

    @AfterEach
    void closed() {
        api.close();
        service.close();
    }

    private static List<String> prefixes(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(b -> out.add(b.get("prefix").asText()));
        return out;
    }

    @Test
    void theWholeListIsStreamedInPrefixOrderIpv4First() {
        Exchange.Reply reply = api.get("/v1/blocks");
        assertEquals(200, reply.status());
        assertEquals(IN_ORDER, prefixes(reply.json()));
        assertEquals("r 198.18.1.7", reply.json().get(2).get("reason").asText(), "whole entries");
        assertNull(reply.headers().get("Link"), "no next page");
        assertEquals("[]", api.get("/v1/allows").body());
    }

    @Test
    void pagesWalkTheListThroughTheirLinks() {
        List<String> seen = new ArrayList<>();
        String next = "/v1/blocks?limit=3";
        int pages = 0;
        while (next != null) {
            Exchange.Reply page = api.get(next);
            assertEquals(200, page.status(), page.body());
            assertTrue(page.json().size() <= 3);
            seen.addAll(prefixes(page.json()));
            String link = page.headers().get("Link");
            next = link == null ? null : link.substring(1, link.indexOf('>'));
            assertTrue(link == null || link.endsWith(">; rel=\"next\""), link);
            pages++;
        }
        assertEquals(IN_ORDER, seen);
        assertEquals(3, pages);
    }

    @Test
    void afterIsAPositionInTheOrderWhetherOrNotItIsListed() {
        assertEquals(List.of("198.18.1.7/32", "198.18.3.0/24"),
                prefixes(api.getJson("/v1/blocks?after=198.18.1.0%2F24&limit=2")));
        assertEquals(List.of("198.18.3.0/24", "198.19.0.1/32"),
                prefixes(api.getJson("/v1/blocks?after=198.18.2.0/24&limit=2")), "not listed: where it would be");
        assertEquals(List.of("2001:2::/48", "2001:2:0:1::/64"),
                prefixes(api.getJson("/v1/blocks?after=255.255.255.255")), "the last IPv4: IPv6 next");
        assertEquals(List.of("198.18.1.7/32"), prefixes(api.getJson("/v1/blocks?after=198.18.1.200/24&limit=1")),
                "after is canonical, like every prefix");
        assertEquals("[]", api.get("/v1/blocks?after=ffff::/16").body());
    }

    @Test
    void anEntryRemovedBetweenPagesIsLeftOutAndTheNextPageGoesOn() {
        Exchange.Reply first = api.get("/v1/blocks?limit=2");
        assertEquals(List.of("10.0.0.0/8", "198.18.1.0/24"), prefixes(first.json()));
        service.policy().remove(RuleKind.BLOCK, Prefix.parse("198.18.1.7/32"));
        service.policy().put(RuleKind.BLOCK, Prefix.parse("198.18.2.0/24"), null, null, Origin.OPERATOR);
        String link = first.headers().get("Link");
        assertEquals("</v1/blocks?limit=2&after=198.18.1.0%2F24>; rel=\"next\"", link);
        assertEquals(List.of("198.18.2.0/24", "198.18.3.0/24"),
                prefixes(api.getJson(link.substring(1, link.indexOf('>')))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=-1", "limit=abc", "limit=", "limit=1000001", "limit=99999999999",
            "limit=1.5", "limit=%201", "limit=1&limit=2", "after=", "after=300.1.1.1/8", "after=10.0.0.0/33",
            "after=::1/129", "after=example.com", "after=10.0.0.0&after=10.0.0.1", "limit=10&after=nonsense"})
    void aBadParameterIs400InTheErrorShape(String query) {
        api.get("/v1/blocks?" + query).assertError(400);
        api.get("/v1/allows?" + query).assertError(400);
    }
}

package io.synguard.api;

import io.synguard.net.Prefix;
import io.synguard.policy.Policy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BulkImportTest {
    @Test
    void decodesEveryEntryInOrderAsTheEndpointDoes() {
        List<Policy.Request> all = decode("[{\"prefix\":\"198.18.1.7/24\",\"ttl_s\":60},"
                + "{\"prefix\":\"198.18.2.1\",\"reason\":\"r\"},{\"prefix\":\"2001:db8::/32\"}]");
        assertEquals(List.of(
                new Policy.Request(Prefix.parse("198.18.1.0/24"), Duration.ofSeconds(60), null),
                new Policy.Request(Prefix.parse("198.18.2.1/32"), null, "r"),
                new Policy.Request(Prefix.parse("2001:db8::/32"), null, null)), all);
        assertEquals(List.of(), decode("[]"));
    }

    @Test
    void equalReasonsAreHeldOnce() {
        List<Policy.Request> all = decode("[{\"prefix\":\"198.18.1.1\",\"reason\":\"list 7\"},"
                + "{\"prefix\":\"198.18.1.2\",\"reason\":\"list 7\"},{\"prefix\":\"198.18.1.3\",\"reason\":\"list 8\"}]");
        assertSame(all.get(0).reason(), all.get(1).reason());
        assertEquals("list 8", all.get(2).reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"prefix\":\"198.18.1.0/24\"}", "[{\"prefix\":\"10.0.0.0/33\"}]",
            "[{\"prefix\":\"198.18.1.0/24\"}", "[{\"prefix\":\"198.18.1.0/24\"}] x", "[\"10.0.0.1\"]", ""})
    void refusesWhatTheEndpointRefuses(String body) {
        assertEquals(400, assertThrows(ApiException.class, () -> decode(body)).status());
    }

    private static List<Policy.Request> decode(String body) {
        return BulkImport.decode(body.getBytes(StandardCharsets.UTF_8));
    }
}

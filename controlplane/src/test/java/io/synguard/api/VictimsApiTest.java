package io.synguard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.detect.DestinationRates;
import io.synguard.detect.Status;
import io.synguard.metrics.Metrics;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the SYNs go, as the API shows it: {@code GET /v1/top?by=destination}, the attack's victim in
 * the status, and the busiest destination ports in {@code /metrics}, against a fake service.
 */
class VictimsApiTest extends OnFakeService {
    @Test
    void topByDestinationListsLocalAddressesAndPorts() {
        service.destinations = List.of(destination("198.18.0.1", 80, 120000.4),
                destination("2001:2:0:0:0:0:0:1", 443, 10.6));
        Exchange.Reply reply = api.get("/v1/top?by=destination&limit=5");
        assertEquals(200, reply.status());
        assertEquals("[{\"address\":\"198.18.0.1\",\"port\":80,\"syn_pps\":120000},"
                + "{\"address\":\"2001:2::1\",\"port\":443,\"syn_pps\":11}]", reply.body());
        assertEquals(List.of(5), service.destinationLimits);
        assertEquals(List.of(), service.topLimits);
    }

    @Test
    void topBySourceIsTheDefault() {
        assertEquals(200, api.get("/v1/top?by=source").status());
        assertEquals(200, api.get("/v1/top").status());
        assertEquals(List.of(10, 10), service.topLimits);
        assertEquals(List.of(), service.destinationLimits);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dest", "SOURCE", "", "destination%20", "sources"})
    void topRefusesAnUnknownBy(String by) {
        api.get("/v1/top?by=" + by).assertError(400);
        assertEquals(List.of(), service.topLimits);
        assertEquals(List.of(), service.destinationLimits);
    }

    @Test
    void statusNamesTheAttacksVictim() {
        service.status = withAttack(destination("198.18.0.1", 80, 39000), DestinationRates.Destinations.NONE);
        JsonNode victim = api.getJson("/v1/status").get("attack").get("victim");
        assertEquals("{\"address\":\"198.18.0.1\",\"port\":80,\"syn_pps\":39000}", victim.toString());
        service.status = FakeService.STATUS;
        assertTrue(api.getJson("/v1/status").get("attack").get("victim").isNull());
    }

    @Test
    void metricsShowTheBusiestDestinationPortsOnly() {
        List<DestinationRates.DestinationRate> rates = new ArrayList<>();
        for (int port = 1; port <= Metrics.BUSIEST_PORTS + 2; port++) {
            rates.add(destination("198.18.0.1", port, 1000 - port));
        }
        rates.add(destination("2001:2:0:0:0:0:0:1", 1, 500)); // another local address: its port sums
        service.status = withAttack(null, new DestinationRates.Destinations(rates, 77));
        String text = api.get("/metrics").body();
        List<String> ports = text.lines().filter(l -> l.startsWith("synguard_destination_port_syn_per_second{"))
                .toList();
        assertEquals(Metrics.BUSIEST_PORTS, ports.size(), text);
        assertTrue(ports.contains("synguard_destination_port_syn_per_second{port=\"1\"} 1499.0"), text);
        assertTrue(ports.contains("synguard_destination_port_syn_per_second{port=\"10\"} 990.0"), text);
        assertFalse(text.contains("port=\"11\""), text);
        assertTrue(text.contains("\nsynguard_destination_unattributed_syn_per_second 77.0\n"), text);
    }

    private static DestinationRates.DestinationRate destination(String address, int port, double synPps) {
        return new DestinationRates.DestinationRate(InetAddress.ofLiteral(address), port, synPps);
    }

    /** The fake's status under an attack on victim, with destinations. */
    private static Status withAttack(DestinationRates.DestinationRate victim, DestinationRates.Destinations destinations) {
        Status s = FakeService.STATUS;
        return new Status(s.iface(), s.attachMode(), s.mode(), s.uptime(),
                new Status.Attack(true, FakeService.NOW, 40_000, 5000, false, 300, 41_000, 0, null, victim),
                s.totals(), s.rates(), s.lists(), s.cookies(), destinations);
    }
}

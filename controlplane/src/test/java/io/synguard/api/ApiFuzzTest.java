package io.synguard.api;

import io.synguard.net.RawHttp;
import io.synguard.config.Settings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thousands of random and hostile requests against the real server on a loopback port, over real
 * sockets, many at once: no 5xx, no connection left without an answer or left open, the server
 * healthy after, and the lists holding exactly what the requests answered 201 added. Seeded:
 * {@code -Dsynguard.fuzz.seed=N} repeats a run, {@code -Dsynguard.fuzz.cases=N} sizes it.
 */
class ApiFuzzTest {
    private static final String TOKEN = "fuzz-test-token-0123456789abcdef";
    private static final String READ_TOKEN = "fuzz-test-read-token-0123456789";
    private static final long SEED = Long.getLong("synguard.fuzz.seed", 20261201L);
    private static final int CASES = Integer.getInteger("synguard.fuzz.cases", 5000);

    @TempDir
    Path dir;

    @Test
    void everyHostileRequestIsAnsweredUnder500AndOnlyValidOnesChangeTheLists() throws InterruptedException {
        try (AuditLines audit = new AuditLines(); FakeService service = new FakeService(dir);
             ApiServer server = service.serve(ApiServer.Config.plain(new InetSocketAddress("127.0.0.1", 0))
                     .withIdleTimeout(Duration.ofMillis(300)), new Tokens(TOKEN, READ_TOKEN))) {
            fuzz(audit, service, server.address());
        }
    }

    private static void fuzz(AuditLines audit, FakeService service, InetSocketAddress address) {
        Fuzz.Report report = Fuzz.run(new HostileRequests(TOKEN, READ_TOKEN), SEED, CASES, 48, () -> {
            try {
                return new Socket(address.getAddress(), address.getPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Duration.ofSeconds(5), Duration.ofSeconds(5));
        System.out.println("fuzz, seed " + SEED + ": " + report);

        assertTrue(report.failures().isEmpty(), report.toString());
        assertEquals(CASES, report.cases());
        assertTrue(report.answers() >= CASES, report.toString());
        assertTrue(report.added().stream().anyMatch(p -> p.startsWith("198.18.")), "some valid blocks were added");

        try (RawHttp healthy = RawHttp.connect(address)) {
            assertEquals(200, healthy.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").read().status(), "still serving");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> listed = new TreeSet<>();
        try (Exchange after = new Exchange(service.router(), TOKEN)) {
            after.getJson("/v1/blocks").forEach(b -> listed.add(b.get("prefix").asText()));
            after.getJson("/v1/allows").forEach(a -> assertTrue(listed.add(a.get("prefix").asText()), a.toString()));
        }
        assertEquals(new TreeSet<>(report.added()), listed, "the lists hold what was answered 201, no more");
        assertEquals(Settings.DEFAULTS, service.settings(), "no case changed the settings");
        long refused = report.statuses().entrySet().stream().filter(e -> e.getKey() >= 400)
                .mapToLong(Map.Entry::getValue).sum();
        List<String> lines = audit.texts();
        assertTrue(lines.stream().filter(l -> l.contains("\"status\":4")).count() >= refused,
                "every refusal answered is audited: " + refused + " refusals");
        assertTrue(lines.stream().noneMatch(l -> l.contains(TOKEN) || l.contains(READ_TOKEN)), "no token in the audit");
    }
}

package io.synguard.fleet;

import io.synguard.dataplane.RuleKind;
import io.synguard.net.Prefix;
import io.synguard.policy.Origin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PendingTest {
    private static final String ROOT = "/synguard/test";
    private static final Instant AT = Instant.parse("2026-12-01T12:00:00Z");

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("fleet-queue.jsonl");
    }

    private static Map<String, FleetRecord> change(String prefix, String host) {
        FleetRecord r = FleetRecord.tombstone(RuleKind.BLOCK, Prefix.parse(prefix), Origin.OPERATOR, AT,
                AT.plusSeconds(60), host);
        return Map.of(r.key(ROOT), r);
    }

    private static List<String> hosts(Pending p) {
        return p.snapshot().stream().map(e -> e.getValue().prefix() + "@" + e.getValue().host()).toList();
    }

    @Test
    void queueingAppendsWhatItAddsWithoutWritingTheQueueAgain() throws IOException {
        Pending p = Pending.open(file(), ROOT);
        for (int i = 0; i < 1000; i++) {
            p.add(change("198.18." + (i / 256) + "." + (i % 256) + "/32", "edge-1"));
        }
        long before = Files.size(file());
        Map<String, FleetRecord> one = change("198.19.0.1/32", "edge-1");
        p.add(one);
        long line = one.values().iterator().next().json().length + 1;
        assertEquals(before + line, Files.size(file()), "one change adds one line");
        assertEquals(1001, Pending.open(file(), ROOT).size());
    }

    @Test
    void aKeyQueuedAgainAndAgainWhileNothingSettlesKeepsTheFileBounded() throws IOException {
        Pending p = Pending.open(file(), ROOT);
        for (int i = 0; i < 10 * Pending.SLACK; i++) {
            p.add(change("198.18.0." + (i % 4) + "/32", "edge-" + i));
        }
        assertTrue(Files.readAllLines(file()).size() <= 2 * 4 + Pending.SLACK, "the file grew with every change");
        assertEquals(List.of("198.18.0.0/32@edge-" + (10 * Pending.SLACK - 4), "198.18.0.1/32@edge-" + (10 * Pending.SLACK - 3),
                "198.18.0.2/32@edge-" + (10 * Pending.SLACK - 2), "198.18.0.3/32@edge-" + (10 * Pending.SLACK - 1)),
                hosts(Pending.open(file(), ROOT)));
    }

    @Test
    void theLastChangeOfAKeyWinsInTheOrderItWasMade() {
        Pending p = Pending.open(file(), ROOT);
        p.add(change("198.18.0.1/32", "a"));
        p.add(change("198.18.0.2/32", "a"));
        p.add(change("198.18.0.1/32", "b"));
        List<String> expected = List.of("198.18.0.2/32@a", "198.18.0.1/32@b");
        assertEquals(expected, hosts(p));
        assertEquals(expected, hosts(Pending.open(file(), ROOT)), "as the file is read again");
    }

    @Test
    void settledChangesLeaveTheFileUnlessANewerOneOfTheirKeyCame() {
        Pending p = Pending.open(file(), ROOT);
        Map<String, FleetRecord> first = change("198.18.0.1/32", "a");
        p.add(first);
        p.add(change("198.18.0.2/32", "a"));
        Map<String, FleetRecord> sent = new LinkedHashMap<>(first);
        sent.putAll(p.snapshot().stream().filter(e -> e.getValue().prefix().equals("198.18.0.2/32"))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        p.add(change("198.18.0.1/32", "b")); // newer than what was sent
        p.settled(sent);
        assertEquals(List.of("198.18.0.1/32@b"), hosts(p));
        assertEquals(List.of("198.18.0.1/32@b"), hosts(Pending.open(file(), ROOT)));
    }

    @Test
    void aLastLineCutShortByACrashIsPassedOverAndTheNextAppendStartsAfreshLine() throws IOException {
        Pending p = Pending.open(file(), ROOT);
        p.add(change("198.18.0.1/32", "a"));
        Files.writeString(file(), "{\"kind\":\"block\",\"pre", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Pending again = Pending.open(file(), ROOT);
        assertEquals(List.of("198.18.0.1/32@a"), hosts(again));
        again.add(change("198.18.0.2/32", "a"));
        assertEquals(List.of("198.18.0.1/32@a", "198.18.0.2/32@a"), hosts(Pending.open(file(), ROOT)));
    }

    @Test
    void aBadLineBeforeTheLastIsAnErrorNotAChangeLost() throws IOException {
        Files.writeString(file(), "not json\n" + new String(change("198.18.0.1/32", "a").values().iterator().next()
                .json(), StandardCharsets.UTF_8) + "\n");
        assertThrows(IllegalStateException.class, () -> Pending.open(file(), ROOT));
    }
}

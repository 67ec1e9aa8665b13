package io.synguard.state;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.json.Json;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalTest {
    @TempDir
    Path dir;

    record Rec(String op, int n) {}

    private Journal open() {
        return Journal.open(dir, Json.mapper());
    }

    /** What a fresh journal on dir replays, as "op n" strings. */
    private List<String> replayed() {
        List<String> out = new ArrayList<>();
        try (Journal j = open()) {
            j.replay(r -> out.add(r.get("op").asText() + " " + r.get("n").asInt()));
        }
        return out;
    }

    private List<String> files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Path onlySegmentWithData() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().startsWith("journal."))
                    .filter(p -> p.toFile().length() > 0).toList();
            assertEquals(1, found.size(), found.toString());
            return found.getFirst();
        }
    }

    @Test
    void whatIsAppendedReplaysInOrderAfterReopening() {
        try (Journal j = open()) {
            j.append(new Rec("block", 1));
            j.append(List.of(new Rec("allow", 2), new Rec("unblock", 3)));
        }
        assertEquals(List.of("block 1", "allow 2", "unblock 3"), replayed());
    }

    @Test
    void recordsAreJsonObjectsInTheMappersShape() {
        try (Journal j = open()) {
            j.append(new Rec("block", 7));
        }
        List<JsonNode> records = new ArrayList<>();
        try (Journal j = open()) {
            j.replay(records::add);
        }
        assertEquals(1, records.size());
        assertEquals("{\"op\":\"block\",\"n\":7}", records.getFirst().toString());
    }

    @Test
    void anAppendIsOnDiskWithoutClosing() {
        Journal crashed = open();
        crashed.append(new Rec("block", 1));
        // no close: the process dies here; a new one reads the directory
        assertEquals(List.of("block 1"), replayed());
        crashed.close();
    }

    @Test
    void anAppendIsForcedToDiskOnceHoweverManyRecordsItHas() {
        try (Journal j = open()) {
            j.append(List.of(new Rec("block", 1), new Rec("block", 2), new Rec("block", 3)));
            assertEquals(1, j.syncs());
            j.append(new Rec("block", 4));
            assertEquals(2, j.syncs());
            j.append(List.of());
            assertEquals(2, j.syncs());
        }
    }

    @Test
    void everyReopeningAddsToWhatEarlierRunsWrote() {
        for (int run = 0; run < 3; run++) {
            try (Journal j = open()) {
                j.append(new Rec("run", run));
            }
        }
        assertEquals(List.of("run 0", "run 1", "run 2"), replayed());
    }

    @Test
    void anEmptyDirectoryReplaysNothing() {
        assertEquals(List.of(), replayed());
    }

    @Test
    void theDirectoryIsCreatedIfNeedBe() {
        Path nested = dir.resolve("state/journal");
        try (Journal j = Journal.open(nested, Json.mapper())) {
            j.append(new Rec("block", 1));
        }
        assertTrue(Files.isDirectory(nested));
    }

    @Test
    void aLastLineCutShortByACrashIsDroppedAndLaterAppendsStillReplay() throws Exception {
        try (Journal j = open()) {
            j.append(List.of(new Rec("block", 1), new Rec("block", 2)));
        }
        Files.writeString(onlySegmentWithData(), "{\"op\":\"block\",\"n\":", StandardOpenOption.APPEND);

        assertEquals(List.of("block 1", "block 2"), replayed());
        try (Journal j = open()) {
            j.append(new Rec("block", 3));
        }
        assertEquals(List.of("block 1", "block 2", "block 3"), replayed());
    }

    record Reasoned(String op, int n, String reason) {}

    @Test
    void linesOfEveryLengthReplayWholeWhereverTheReadsCutThem() throws Exception {
        // reads go 64 KiB at a time: lines from a few bytes to twice that straddle every cut
        Random random = new Random(15);
        List<Reasoned> records = new ArrayList<>();
        for (int n = 0; n < 3000; n++) {
            int length = random.nextInt(20) == 0 ? random.nextInt(140_000) : random.nextInt(300);
            records.add(new Reasoned("block", n, "r".repeat(length)));
        }
        try (Journal j = open()) {
            j.append(records);
        }
        Files.writeString(onlySegmentWithData(), "{\"op\":\"block\",\"n\":3000,\"reason\":\"" + "r".repeat(70_000),
                StandardOpenOption.APPEND);
        long whole = Files.size(onlySegmentWithData()) - 70_000 - 33;

        List<Reasoned> replayed = new ArrayList<>();
        try (Journal j = open()) {
            j.replay(r -> replayed.add(new Reasoned(r.get("op").asText(), r.get("n").asInt(), r.get("reason").asText())));
        }
        assertEquals(records, replayed);
        assertEquals(whole, Files.size(onlySegmentWithData()), "the line cut short, straddling reads, is cut off");
    }

    @Test
    void aDamagedLineBeforeTheLastStopsReplayAndNamesIt() throws Exception {
        try (Journal j = open()) {
            j.append(new Rec("block", 1));
        }
        Path segment = onlySegmentWithData();
        Files.writeString(segment, "{not json\n{\"op\":\"block\",\"n\":2}\n", StandardOpenOption.APPEND);

        IllegalStateException e = assertThrows(IllegalStateException.class, this::replayed);
        assertTrue(e.getMessage().contains(segment.getFileName() + " line 2"), e.getMessage());
    }

    @Test
    void aSnapshotReplacesWhatCameBeforeItsRotation() throws Exception {
        try (Journal j = open()) {
            j.append(List.of(new Rec("block", 1), new Rec("block", 2), new Rec("unblock", 1)));
            Journal.SnapshotWriter writer = j.rotate();
            j.append(new Rec("block", 3));
            writer.write(List.of(new Rec("block", 2)));
        }
        assertEquals(List.of("block 2", "block 3"), replayed());
    }

    @Test
    void aSnapshotDeletesTheSegmentsItCovers() throws Exception {
        try (Journal j = open()) {
            j.append(new Rec("block", 1));
            Path old = onlySegmentWithData();
            j.rotate().write(List.of(new Rec("block", 1)));
            assertFalse(Files.exists(old));
        }
        assertTrue(files().contains("snapshot.jsonl"), files().toString());
    }

    @Test
    void rotationResetsTheCountOfRecordsSinceTheSnapshot() {
        try (Journal j = open()) {
            j.append(List.of(new Rec("block", 1), new Rec("block", 2)));
            assertEquals(2, j.sinceSnapshot());
            j.rotate();
            j.append(new Rec("block", 3));
            assertEquals(1, j.sinceSnapshot());
        }
    }

    @Test
    void aCrashBetweenRotationAndSnapshotLosesNothing() {
        try (Journal j = open()) {
            j.append(new Rec("block", 1));
            j.rotate(); // the snapshot is never written
            j.append(new Rec("block", 2));
        }
        assertEquals(List.of("block 1", "block 2"), replayed());
    }

    @Test
    void snapshotsFollowOneAnotherAcrossRestarts() {
        try (Journal j = open()) {
            j.append(new Rec("block", 1));
            j.rotate().write(List.of(new Rec("block", 1)));
            j.append(new Rec("block", 2));
        }
        try (Journal j = open()) {
            j.append(new Rec("block", 3));
            j.rotate().write(List.of(new Rec("block", 1), new Rec("block", 2), new Rec("block", 3)));
            j.append(new Rec("block", 4));
        }
        assertEquals(List.of("block 1", "block 2", "block 3", "block 4"), replayed());
    }

    @Test
    void aSnapshotLeftHalfWrittenInItsTemporaryFileIsIgnored() throws Exception {
        try (Journal j = open()) {
            j.append(new Rec("block", 1));
            j.rotate().write(List.of(new Rec("block", 1)));
            j.append(new Rec("block", 2));
        }
        // a later snapshot died before its rename: only the temporary file has it, torn
        Files.writeString(dir.resolve("snapshot.jsonl.tmp"), "{\"next_segment\":99}\n{\"op\":\"blo",
                StandardCharsets.UTF_8);

        assertEquals(List.of("block 1", "block 2"), replayed());
    }

    @Test
    void aSnapshotIsWrittenBesideThenRenamedOverTheOldOne() throws Exception {
        Files.writeString(dir.resolve("snapshot.jsonl.tmp"), "left over from a crash, longer than the next one\n");
        try (Journal j = open()) {
            j.append(new Rec("block", 1));
            j.rotate().write(List.of(new Rec("block", 1)));
        }
        assertFalse(Files.exists(dir.resolve("snapshot.jsonl.tmp")));
        List<String> lines = Files.readAllLines(dir.resolve("snapshot.jsonl"));
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("{\"op\":\"block\",\"n\":1}", lines.get(1));
        assertEquals(List.of("block 1"), replayed());
    }
}

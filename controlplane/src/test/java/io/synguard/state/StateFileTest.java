package io.synguard.state;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class StateFileTest {
    @TempDir
    Path dir;

    @Test
    void nothingWrittenReadsEmpty() {
        assertEquals(Optional.empty(), new StateFile(dir.resolve("baseline.json")).read());
    }

    @Test
    void aWriteReplacesTheContentWholeAndLeavesNoTemporaryFile() throws Exception {
        StateFile f = new StateFile(dir.resolve("baseline.json"));
        f.write("first, and longer".getBytes(StandardCharsets.UTF_8));
        f.write("second".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("second".getBytes(StandardCharsets.UTF_8), f.read().orElseThrow());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
        assertFalse(Files.exists(dir.resolve("baseline.json.tmp")));
    }
}

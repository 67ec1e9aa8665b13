package io.synguard.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This member's changes not yet published, the last of each key, in the order they were made;
 * kept in a file of the state directory (JSON lines, rewritten whole, forced, then renamed) so a
 * restart publishes what it had queued. Thread-safe.
 */
final class Pending {
    private final Path file;
    private final Map<String, FleetRecord> queued = new LinkedHashMap<>();

    private Pending(Path file) {
        this.file = file;
    }

    /** The queue the file holds; empty if there is none. */
    static Pending open(Path file, String root) {
        Pending p = new Pending(file);
        try {
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    if (!line.isBlank()) {
                        FleetRecord r = FleetRecord.parse(line.getBytes(StandardCharsets.UTF_8));
                        p.queued.put(r.key(root), r);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the fleet's queue " + file, e);
        }
        return p;
    }

    /** Queues changes, each replacing what its key had queued, and saves the queue. */
    synchronized void add(Map<String, FleetRecord> changes) {
        changes.forEach((key, r) -> {
            queued.remove(key);
            queued.put(key, r);
        });
        save();
    }

    /** The queue now, oldest first. */
    synchronized List<Map.Entry<String, FleetRecord>> snapshot() {
        return queued.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList();
    }

    /** Takes the changes that are settled out, unless a newer one of their key was queued since, and saves. */
    synchronized void settled(Map<String, FleetRecord> settled) {
        if (settled.isEmpty()) {
            return;
        }
        settled.forEach((key, r) -> queued.remove(key, r));
        save();
    }

    synchronized Set<String> keys() {
        return Set.copyOf(queued.keySet());
    }

    synchronized int size() {
        return queued.size();
    }

    private void save() {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        StringBuilder text = new StringBuilder();
        for (FleetRecord r : queued.values()) {
            text.append(new String(r.json(), StandardCharsets.UTF_8)).append('\n');
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the fleet's queue " + tmp, e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the fleet's queue " + file, e);
        }
    }
}

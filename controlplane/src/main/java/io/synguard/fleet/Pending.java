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
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * This member's changes not yet published, the last of each key, in the order they were made;
 * kept in a file of the state directory (JSON lines) so a restart publishes what it had queued.
 * Queued changes are appended and forced, a batch at a time, so queueing costs what it adds however
 * long the queue (etcd may be away for hours); the file is written anew only when changes settle,
 * which the fleet's worker does, or when lines of keys queued again have come to outnumber the
 * queue (with {@link #SLACK} to spare), so the file stays bounded while nothing settles. The last of
 * a key's lines wins on reading, and a last line cut
 * short by a crash was never forced, so never acknowledged: it is passed over. Thread-safe.
 */
final class Pending {
    /** Lines the file may hold beyond twice the queue before it is written anew. */
    static final int SLACK = 1024;
    private final Path file;
    private final String root;
    private final Map<String, FleetRecord> queued = new LinkedHashMap<>();
    /** Lines the file holds. */
    private long lines;

    private Pending(Path file, String root) {
        this.file = file;
        this.root = root;
    }

    /** The queue the file holds; empty if there is none. */
    static Pending open(Path file, String root) {
        Pending p = new Pending(file, root);
        try {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                boolean whole = true;
                for (int i = 0; i < lines.size(); i++) {
                    if (!lines.get(i).isBlank()) {
                        whole = p.readLine(lines.get(i), i == lines.size() - 1);
                    }
                }
                p.lines = lines.size();
                if (!whole) {
                    p.rewrite(); // so that the next append starts a line of its own
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the fleet's queue " + file, e);
        }
        return p;
    }

    /** Queues the record of a line of the file; false for a last line cut short. */
    private boolean readLine(String line, boolean last) {
        FleetRecord r;
        try {
            r = FleetRecord.parse(line.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            if (last) {
                return false; // cut short by a crash while it was being appended
            }
            throw new IllegalStateException("the fleet's queue " + file + " holds a line that is no record: " + line, e);
        }
        put(r.key(root), r);
        return true;
    }

    /** Queues changes, each replacing what its key had queued, and appends them to the file. */
    synchronized void add(Map<String, FleetRecord> changes) {
        changes.forEach(this::put);
        write(changes.values(), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        lines += changes.size();
        if (lines > 2L * queued.size() + SLACK) {
            rewrite();
        }
    }

    private void put(String key, FleetRecord r) {
        queued.remove(key);
        queued.put(key, r);
    }

    /** The queue now, oldest first. */
    synchronized List<Map.Entry<String, FleetRecord>> snapshot() {
        return queued.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList();
    }

    /** Takes the changes that are settled out, unless a newer one of their key was queued since; rewrites the file. */
    synchronized void settled(Map<String, FleetRecord> settled) {
        if (settled.isEmpty()) {
            return;
        }
        settled.forEach((key, r) -> queued.remove(key, r));
        rewrite();
    }

    private void rewrite() {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        write(tmp, queued.values(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            lines = queued.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the fleet's queue " + file, e);
        }
    }

    synchronized Set<String> keys() {
        return Set.copyOf(queued.keySet());
    }

    synchronized int size() {
        return queued.size();
    }

    private void write(Collection<FleetRecord> records, StandardOpenOption... how) {
        write(file, records, how);
    }

    private static void write(Path to, Collection<FleetRecord> records, StandardOpenOption... how) {
        StringBuilder text = new StringBuilder();
        for (FleetRecord r : records) {
            text.append(new String(r.json(), StandardCharsets.UTF_8)).append('\n');
        }
        try (FileChannel ch = FileChannel.open(to, how)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the fleet's queue " + to, e);
        }
    }
}

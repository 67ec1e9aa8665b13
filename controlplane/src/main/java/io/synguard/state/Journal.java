package io.synguard.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable state: changes appended as JSON lines to numbered segments ({@code journal.N.log}), each
 * append forced to disk before it returns, and now and then a snapshot ({@code snapshot.jsonl},
 * written to a temporary file, forced, then renamed) that makes the segments before it redundant.
 *
 * <p>Replay reads the snapshot, then every segment it does not cover, in order. A last line cut
 * short by a crash is dropped with a warning; a damaged line anywhere else stops replay with an
 * error that names it, since skipping it would silently lose state. Not thread-safe.
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final Pattern SEGMENT = Pattern.compile("journal\\.(\\d+)\\.log");
    private static final String SNAPSHOT = "snapshot.jsonl";

    private final Path dir;
    private final ObjectMapper json;
    private FileChannel current;
    private long segment;
    private long appended;
    private long syncs;

    private Journal(Path dir, ObjectMapper json) {
        this.dir = dir;
        this.json = json;
    }

    /** Opens the journal in dir (creating dir if need be); appends go to a new segment. */
    public static Journal open(Path dir, ObjectMapper json) {
        Journal j = new Journal(dir, json);
        try {
            Files.createDirectories(dir);
            long last = j.segments().isEmpty() ? j.snapshotNextSegment() - 1 : j.segments().lastKey();
            j.startSegment(Math.max(last + 1, j.snapshotNextSegment()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the journal in " + dir, e);
        }
        return j;
    }

    /** Hands every record to consumer: the snapshot's, then the segments' after it, in order. */
    public void replay(Consumer<JsonNode> consumer) {
        try {
            Path snapshot = dir.resolve(SNAPSHOT);
            if (Files.exists(snapshot)) {
                readLines(snapshot, true, consumer);
            }
            long from = snapshotNextSegment();
            for (var e : segments().entrySet()) {
                if (e.getKey() >= from && e.getKey() != segment) {
                    readLines(e.getValue(), false, consumer);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the journal in " + dir, e);
        }
    }

    /** Appends records and forces them to disk: once this returns they survive a crash. */
    public void append(List<?> records) {
        append(encode(records));
    }

    /**
     * Records as the journal writes them, made ahead of their {@link #append(Lines)}: thread-safe,
     * so a caller may encode one batch while it does other work.
     */
    public Lines encode(List<?> records) {
        ByteArrayBuilder out = new ByteArrayBuilder();
        try (SequenceWriter lines = json.writer().withRootValueSeparator("\n").writeValues(out)) {
            for (Object r : records) {
                lines.write(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode journal records", e);
        }
        if (!records.isEmpty()) {
            out.write('\n');
        }
        return new Lines(out, records.size());
    }

    /** Records encoded by {@link #encode}, one JSON line each. */
    public record Lines(ByteArrayBuilder bytes, int records) {}

    /** Appends encoded records and forces them to disk: once this returns they survive a crash. */
    public void append(Lines lines) {
        if (lines.records() == 0) {
            return;
        }
        try {
            for (ByteBuffer buf : lines.bytes().buffers()) {
                while (buf.hasRemaining()) {
                    current.write(buf);
                }
            }
            current.force(false);
            syncs++;
            appended += lines.records();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the journal in " + dir, e);
        }
    }

    public void append(Object record) {
        append(List.of(record));
    }

    /** Times appends were forced to disk since opening: once an append, however many records it has. */
    public long syncs() {
        return syncs;
    }

    /** Records appended since the last snapshot (or since opening). */
    public long sinceSnapshot() {
        return appended;
    }

    /**
     * Starts a new segment for what comes next and returns a writer that, given the state as it was
     * at this moment, writes the snapshot covering every segment before it. The caller captures the
     * state under the same lock as the rotation, then may write it outside the lock.
     */
    public SnapshotWriter rotate() {
        long covered = segment;
        try {
            current.close();
            startSegment(covered + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rotate the journal in " + dir, e);
        }
        appended = 0;
        return state -> writeSnapshot(covered + 1, state);
    }

    /** Writes a snapshot of a state captured when a segment was started. */
    @FunctionalInterface
    public interface SnapshotWriter {
        void write(Iterable<?> state);
    }

    @Override
    public void close() {
        try {
            current.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeSnapshot(long nextSegment, Iterable<?> state) {
        Path tmp = dir.resolve(SNAPSHOT + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream raw = Channels.newOutputStream(ch);
                 BufferedWriter w = new BufferedWriter(new java.io.OutputStreamWriter(raw, StandardCharsets.UTF_8), 1 << 16)) {
                w.write(json.writeValueAsString(new SnapshotHeader(nextSegment)));
                w.write('\n');
                for (Object r : state) {
                    w.write(json.writeValueAsString(r));
                    w.write('\n');
                }
                w.flush();
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(SNAPSHOT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory();
            for (var e : segments().entrySet()) {
                if (e.getKey() < nextSegment) {
                    Files.delete(e.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a snapshot in " + dir, e);
        }
    }

    private void startSegment(long n) throws IOException {
        segment = n;
        current = FileChannel.open(dir.resolve("journal." + n + ".log"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        forceDirectory();
    }

    private void forceDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private TreeMap<Long, Path> segments() throws IOException {
        TreeMap<Long, Path> found = new TreeMap<>();
        try (var files = Files.list(dir)) {
            files.forEach(p -> {
                Matcher m = SEGMENT.matcher(p.getFileName().toString());
                if (m.matches()) {
                    found.put(Long.parseLong(m.group(1)), p);
                }
            });
        }
        return found;
    }

    /** The first segment the snapshot does not cover; 0 without a snapshot. */
    private long snapshotNextSegment() throws IOException {
        Path snapshot = dir.resolve(SNAPSHOT);
        if (!Files.exists(snapshot)) {
            return 0;
        }
        try (BufferedReader r = Files.newBufferedReader(snapshot)) {
            String header = r.readLine();
            if (header == null) {
                throw new IOException(snapshot + " is empty");
            }
            return json.readValue(header, SnapshotHeader.class).nextSegment();
        }
    }

    /**
     * Hands consumer each whole line of file as it is read (a journal of a million entries is ~100
     * MB: never held whole), the snapshot's header skipped. A last line without its newline was cut
     * short by a crash: it is dropped, and the file truncated before it.
     */
    private void readLines(Path file, boolean snapshot, Consumer<JsonNode> consumer) throws IOException {
        long lineStart = 0;
        long read = 0;
        int number = 0;
        byte[] buffer = new byte[1 << 16];
        ByteArrayOutputStream carried = new ByteArrayOutputStream(256); // a line that runs past the buffer
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                int from = 0;
                for (int nl; (nl = indexOf(buffer, '\n', from, n)) >= 0; from = nl + 1) {
                    number++;
                    if (number > 1 || !snapshot) {
                        if (carried.size() == 0) {
                            consumer.accept(record(file, number, buffer, from, nl - from));
                        } else {
                            carried.write(buffer, from, nl - from);
                            consumer.accept(record(file, number, carried.toByteArray(), 0, carried.size()));
                        }
                    }
                    carried.reset();
                    lineStart = read + nl + 1;
                }
                carried.write(buffer, from, n - from);
                read += n;
            }
        }
        if (carried.size() > 0) {
            LOG.warn("{}: dropping a last line cut short by a crash ({} bytes); it was never acknowledged",
                    file, carried.size());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(lineStart);
            }
        }
    }

    private static int indexOf(byte[] bytes, char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private JsonNode record(Path file, int number, byte[] bytes, int offset, int length) {
        try {
            return json.readTree(bytes, offset, length);
        } catch (IOException e) {
            throw new IllegalStateException(file + " line " + number + " is damaged (" + e.getMessage()
                    + "); move the state directory aside to start empty, the pinned maps keep enforcing", e);
        }
    }

    record SnapshotHeader(long nextSegment) {}

    /**
     * Bytes kept in blocks of {@value #BLOCK}, never copied as they grow: a slice of a large import
     * encodes to megabytes, and one growing array would be copied at each doubling, each copy large
     * enough for the collector to place apart (G1's humongous objects).
     */
    private static final class ByteArrayBuilder extends OutputStream {
        private static final int BLOCK = 1 << 17;
        private final List<byte[]> full = new ArrayList<>();
        private byte[] current = new byte[1 << 12];
        private int count;

        @Override
        public void write(int b) {
            room();
            current[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                room();
                int n = Math.min(len, current.length - count);
                System.arraycopy(b, off, current, count, n);
                count += n;
                off += n;
                len -= n;
            }
        }

        /** Room for one more byte: a first small block grows to a full one, a full one is put aside. */
        private void room() {
            if (count < current.length) {
                return;
            }
            if (current.length < BLOCK) {
                current = Arrays.copyOf(current, BLOCK);
                return;
            }
            full.add(current);
            current = new byte[BLOCK];
            count = 0;
        }

        /** The bytes, in order, as buffers over the blocks. */
        List<ByteBuffer> buffers() {
            List<ByteBuffer> out = new ArrayList<>(full.size() + 1);
            full.forEach(b -> out.add(ByteBuffer.wrap(b)));
            out.add(ByteBuffer.wrap(current, 0, count));
            return out;
        }
    }
}

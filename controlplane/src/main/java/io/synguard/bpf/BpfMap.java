package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A map by its fd: element and batch operations, pinning, mmap. Keys and values are segments the
 * caller lays out; for per-CPU maps a value holds {@link #valueSlot} bytes for each of
 * {@link Cpus#possible()} CPUs. A map taken from a {@link BpfObject} borrows the object's fd; one
 * opened here owns its fd and closes it.
 */
public final class BpfMap implements AutoCloseable {
    /** Update flags. */
    public static final long ANY = 0;
    public static final long NOEXIST = 1;
    public static final long EXIST = 2;

    /** {@code int bpf_map_lookup_elem(int fd, const void *key, void *value);} */
    private static final MethodHandle LOOKUP =
            Native.libbpf("bpf_map_lookup_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    /** {@code int bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags);} */
    private static final MethodHandle UPDATE = Native.libbpf("bpf_map_update_elem",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    /** {@code int bpf_map_delete_elem(int fd, const void *key);} */
    private static final MethodHandle DELETE =
            Native.libbpf("bpf_map_delete_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    /** {@code int bpf_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys, void *values,
     * __u32 *count, const struct bpf_map_batch_opts *opts);} */
    private static final MethodHandle LOOKUP_BATCH = Native.libbpf("bpf_map_lookup_batch",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    /** {@code int bpf_map_update_batch(int fd, const void *keys, const void *values, __u32 *count,
     * const struct bpf_map_batch_opts *opts);} */
    private static final MethodHandle UPDATE_BATCH = Native.libbpf("bpf_map_update_batch",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    /** {@code int bpf_map_delete_batch(int fd, const void *keys, __u32 *count,
     * const struct bpf_map_batch_opts *opts);} */
    private static final MethodHandle DELETE_BATCH = Native.libbpf("bpf_map_delete_batch",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    /** {@code int bpf_map_get_fd_by_id(__u32 id);} */
    private static final MethodHandle GET_FD_BY_ID =
            Native.libbpf("bpf_map_get_fd_by_id", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private static final long BATCH_ELEM_FLAGS = Structs.offset(Structs.MAP_BATCH_OPTS, "elem_flags");

    private final int fd;
    private final boolean ownsFd;
    private final MapInfo info;
    private boolean closed;

    private BpfMap(int fd, boolean ownsFd) {
        this.fd = fd;
        this.ownsFd = ownsFd;
        this.info = MapInfo.of(fd);
    }

    static BpfMap borrowed(int fd) {
        return new BpfMap(fd, false);
    }

    /** Opens the map pinned at path. */
    public static BpfMap openPinned(Path path) {
        int fd = Fd.get(path);
        try {
            return new BpfMap(fd, true);
        } catch (RuntimeException e) {
            Fd.close(fd);
            throw e;
        }
    }

    /** Opens a map by its kernel id. */
    public static BpfMap openById(int id) {
        int fd = Native.call(() -> (int) GET_FD_BY_ID.invokeExact(id));
        return new BpfMap(BpfException.check(fd, "bpf_map_get_fd_by_id(" + id + ")", null), true);
    }

    public int fd() {
        return fd;
    }

    public MapInfo info() {
        return info;
    }

    public String name() {
        return info.name();
    }

    /** Bytes of one CPU's share of a value: the value size, rounded up to 8 for per-CPU maps. */
    public long valueSlot() {
        return info.perCpu() ? (info.valueSize() + 7L) & ~7L : info.valueSize();
    }

    /** Bytes a value buffer needs: one slot for each possible CPU for per-CPU maps. */
    public long valueBufferSize() {
        return info.perCpu() ? valueSlot() * Cpus.possible() : info.valueSize();
    }

    public MemorySegment allocateKey(Arena arena) {
        return arena.allocate(Math.max(1, info.keySize()), 8);
    }

    public MemorySegment allocateValue(Arena arena) {
        return arena.allocate(valueBufferSize(), 8);
    }

    /** Fills value for key; false when there is no such key. */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        checkValue(value, 1);
        int rc = Native.call(() -> (int) LOOKUP.invokeExact(fd, key, value));
        if (rc == -Errno.ENOENT.number()) {
            return false;
        }
        BpfException.check(rc, "bpf_map_lookup_elem(" + name() + ")", null);
        return true;
    }

    /** Sets key to value; flags {@link #ANY}, {@link #NOEXIST} or {@link #EXIST}. */
    public void update(MemorySegment key, MemorySegment value, long flags) {
        checkValue(value, 1);
        int rc = Native.call(() -> (int) UPDATE.invokeExact(fd, key, value, flags));
        BpfException.check(rc, "bpf_map_update_elem(" + name() + ")", null);
    }

    /** Removes key; false when there was no such key. */
    public boolean delete(MemorySegment key) {
        int rc = Native.call(() -> (int) DELETE.invokeExact(fd, key));
        if (rc == -Errno.ENOENT.number()) {
            return false;
        }
        BpfException.check(rc, "bpf_map_delete_elem(" + name() + ")", null);
        return true;
    }

    /** Sets count keys to count values in one call; the keys and values lie packed. */
    public void updateBatch(MemorySegment keys, MemorySegment values, int count, long elemFlags) {
        checkValue(values, count);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocateFrom(JAVA_INT, count);
            MemorySegment opts = batchOpts(arena, elemFlags);
            int rc = Native.call(() -> (int) UPDATE_BATCH.invokeExact(fd, keys, values, n, opts));
            BpfException.check(rc, "bpf_map_update_batch(" + name() + ")",
                    n.get(JAVA_INT, 0) + " of " + count + " updated");
        }
    }

    /** Removes count packed keys in one call; the number removed (missing keys stop it early). */
    public int deleteBatch(MemorySegment keys, int count) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocateFrom(JAVA_INT, count);
            MemorySegment opts = batchOpts(arena, ANY);
            int rc = Native.call(() -> (int) DELETE_BATCH.invokeExact(fd, keys, n, opts));
            if (rc == -Errno.ENOENT.number()) {
                return n.get(JAVA_INT, 0);
            }
            BpfException.check(rc, "bpf_map_delete_batch(" + name() + ")", null);
            return n.get(JAVA_INT, 0);
        }
    }

    /**
     * Reads the map batch by batch: keys and values (capacity entries each) are filled and handed to
     * the consumer with the number read, until the map is exhausted.
     */
    public void lookupAll(MemorySegment keys, MemorySegment values, int capacity, BatchConsumer consumer) {
        checkValue(values, capacity);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment token = arena.allocate(Math.max(8, info.keySize()), 8);
            MemorySegment n = arena.allocate(JAVA_INT);
            MemorySegment opts = batchOpts(arena, ANY);
            MemorySegment in = MemorySegment.NULL;
            while (true) {
                n.set(JAVA_INT, 0, capacity);
                MemorySegment inBatch = in;
                int rc = Native.call(() -> (int) LOOKUP_BATCH.invokeExact(fd, inBatch, token, keys, values, n, opts));
                if (rc < 0 && rc != -Errno.ENOENT.number()) {
                    BpfException.check(rc, "bpf_map_lookup_batch(" + name() + ")", null);
                }
                int read = n.get(JAVA_INT, 0);
                if (read > 0) {
                    consumer.accept(read);
                }
                if (rc == -Errno.ENOENT.number()) {
                    return;
                }
                in = token;
            }
        }
    }

    /** Pins the map at path, in a bpffs. */
    public void pin(Path path) {
        Fd.pin(fd, path, "map " + name());
    }

    /** Maps the values of a {@code BPF_F_MMAPABLE} array into this process, shared with the kernel. */
    public MappedRegion mmap() {
        if ((info.flags() & MapInfo.F_MMAPABLE) == 0) {
            throw new IllegalStateException(name() + " is not mmap-able");
        }
        long elem = (info.valueSize() + 7L) & ~7L;
        return MappedRegion.map(fd, elem * info.maxEntries(), name());
    }

    @Override
    public void close() {
        if (ownsFd && !closed) {
            closed = true;
            Fd.close(fd);
        }
    }

    @Override
    public String toString() {
        return "BpfMap[" + name() + " fd=" + fd + "]";
    }

    private void checkValue(MemorySegment value, int count) {
        if (value.byteSize() < valueBufferSize() * count) {
            throw new IllegalArgumentException(name() + ": value buffer of " + value.byteSize()
                    + " bytes, needs " + valueBufferSize() * count);
        }
    }

    private static MemorySegment batchOpts(Arena arena, long elemFlags) {
        MemorySegment opts = Structs.opts(arena, Structs.MAP_BATCH_OPTS);
        opts.set(JAVA_LONG, BATCH_ELEM_FLAGS, elemFlags);
        return opts;
    }

    /** Receives the number of entries a batch read filled in. */
    @FunctionalInterface
    public interface BatchConsumer {
        void accept(int count);
    }
}

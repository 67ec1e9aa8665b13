package io.synguard.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A BPF object file opened from bytes (no temporary file) and, once {@link #load loaded}, its maps
 * and programs. Before loading, {@link #mapSpec} sizes maps, pins them or re-uses pinned ones. Owns
 * every fd of its maps and programs: closing it closes them, but pins and attachments outlive it.
 */
@SuppressWarnings("restricted") // FFM lives in this package only
public final class BpfObject implements AutoCloseable {
    /** {@code struct bpf_object *bpf_object__open_mem(const void *obj_buf, size_t obj_buf_sz,
     * const struct bpf_object_open_opts *opts);} */
    private static final MethodHandle OPEN_MEM = Native.libbpfWithErrno("bpf_object__open_mem",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    /** {@code int bpf_object__load(struct bpf_object *obj);} */
    private static final MethodHandle LOAD = Native.libbpf("bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    /** {@code void bpf_object__close(struct bpf_object *obj);} */
    private static final MethodHandle CLOSE = Native.libbpf("bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS));
    /** {@code struct bpf_map *bpf_object__find_map_by_name(const struct bpf_object *obj, const char *name);} */
    private static final MethodHandle FIND_MAP =
            Native.libbpf("bpf_object__find_map_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    /** {@code struct bpf_map *bpf_object__next_map(const struct bpf_object *obj, const struct bpf_map *map);} */
    private static final MethodHandle NEXT_MAP =
            Native.libbpf("bpf_object__next_map", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    /** {@code struct bpf_program *bpf_object__find_program_by_name(const struct bpf_object *obj,
     * const char *name);} */
    private static final MethodHandle FIND_PROGRAM =
            Native.libbpf("bpf_object__find_program_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    /** {@code struct btf *bpf_object__btf(const struct bpf_object *obj);} */
    private static final MethodHandle BTF = Native.libbpf("bpf_object__btf", FunctionDescriptor.of(ADDRESS, ADDRESS));
    /** {@code const char *bpf_map__name(const struct bpf_map *map);} */
    private static final MethodHandle MAP_NAME = Native.libbpf("bpf_map__name", FunctionDescriptor.of(ADDRESS, ADDRESS));
    /** {@code int bpf_map__fd(const struct bpf_map *map);} */
    private static final MethodHandle MAP_FD = Native.libbpf("bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    /** {@code __u32 bpf_map__max_entries(const struct bpf_map *map);} */
    private static final MethodHandle MAP_MAX_ENTRIES =
            Native.libbpf("bpf_map__max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    /** {@code __u32 bpf_map__key_size(const struct bpf_map *map);} */
    private static final MethodHandle MAP_KEY_SIZE =
            Native.libbpf("bpf_map__key_size", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    /** {@code __u32 bpf_map__value_size(const struct bpf_map *map);} */
    private static final MethodHandle MAP_VALUE_SIZE =
            Native.libbpf("bpf_map__value_size", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    /** {@code int bpf_map__set_max_entries(struct bpf_map *map, __u32 max_entries);} */
    private static final MethodHandle MAP_SET_MAX_ENTRIES =
            Native.libbpf("bpf_map__set_max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    /** {@code int bpf_map__set_pin_path(struct bpf_map *map, const char *path);} */
    private static final MethodHandle MAP_SET_PIN_PATH =
            Native.libbpf("bpf_map__set_pin_path", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    /** {@code int bpf_map__reuse_fd(struct bpf_map *map, int fd);} */
    private static final MethodHandle MAP_REUSE_FD =
            Native.libbpf("bpf_map__reuse_fd", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    /** {@code int bpf_program__fd(const struct bpf_program *prog);} */
    private static final MethodHandle PROG_FD = Native.libbpf("bpf_program__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    /** {@code __u32 bpf_program__flags(const struct bpf_program *prog);} */
    private static final MethodHandle PROG_FLAGS =
            Native.libbpf("bpf_program__flags", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    /** {@code int bpf_program__set_flags(struct bpf_program *prog, __u32 flags);} */
    private static final MethodHandle PROG_SET_FLAGS =
            Native.libbpf("bpf_program__set_flags", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    private static final long OPTS_OBJECT_NAME = Structs.offset(Structs.OBJECT_OPEN_OPTS, "object_name");
    private static final long OPTS_KERNEL_LOG_BUF = Structs.offset(Structs.OBJECT_OPEN_OPTS, "kernel_log_buf");
    private static final long OPTS_KERNEL_LOG_SIZE = Structs.offset(Structs.OBJECT_OPEN_OPTS, "kernel_log_size");
    private static final long LOG_SIZE = 4 << 20;
    private static final int LOG_TAIL_LINES = 40;

    /** {@code BPF_F_XDP_HAS_FRAGS}: the program copes with multi-buffer frames. */
    public static final int PROG_F_XDP_HAS_FRAGS = 1 << 5;

    private final String name;
    private final Arena arena;
    private final MemorySegment obj;
    private final MemorySegment log;
    private boolean loaded;

    private BpfObject(String name, Arena arena, MemorySegment obj, MemorySegment log) {
        this.name = name;
        this.arena = arena;
        this.obj = obj;
        this.log = log;
    }

    /**
     * The bytes of a BPF object shipped as a resource (resolved against anchor, as
     * {@link Class#getResourceAsStream} does); an IllegalStateException when the build left it out.
     */
    public static byte[] elf(Class<?> anchor, String resource) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath: the build did not compile the BPF object");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses an ELF object; nothing reaches the kernel until {@link #load}. */
    public static BpfObject open(String name, byte[] elf) {
        LibbpfLog.install();
        Arena arena = Arena.ofShared();
        try {
            MemorySegment bytes = arena.allocate(elf.length, 8);
            bytes.copyFrom(MemorySegment.ofArray(elf));
            MemorySegment log = arena.allocate(LOG_SIZE);
            MemorySegment opts = Structs.opts(arena, Structs.OBJECT_OPEN_OPTS);
            opts.set(ADDRESS, OPTS_OBJECT_NAME, arena.allocateFrom(name));
            opts.set(ADDRESS, OPTS_KERNEL_LOG_BUF, log);
            opts.set(JAVA_LONG, OPTS_KERNEL_LOG_SIZE, LOG_SIZE);
            MemorySegment obj = Native.callSettingErrno("bpf_object__open_mem(" + name + ")", "not a valid BPF object",
                    Native::isNull, errno -> (MemorySegment) OPEN_MEM.invokeExact(errno, bytes, bytes.byteSize(), opts));
            return new BpfObject(name, arena, obj, log);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /** A map to configure before {@link #load}. */
    public MapSpec mapSpec(String mapName) {
        return new MapSpec(findMap(mapName), mapName);
    }

    /** The names of every map the object declares, its .rodata and friends included. */
    public List<String> mapNames() {
        List<String> names = new ArrayList<>();
        for (MemorySegment map = nextMap(MemorySegment.NULL); !Native.isNull(map); map = nextMap(map)) {
            names.add(mapName(map));
        }
        return names;
    }

    /** Sets or clears flags of a program before {@link #load}. */
    public void setProgramFlags(String programName, int set, int clear) {
        checkNotLoaded();
        MemorySegment prog = findProgram(programName);
        int current = Native.call(() -> (int) PROG_FLAGS.invokeExact(prog));
        int flags = (current | set) & ~clear;
        BpfException.check(Native.call(() -> (int) PROG_SET_FLAGS.invokeExact(prog, flags)),
                "bpf_program__set_flags(" + programName + ")", null);
    }

    /**
     * Creates (or re-uses) the maps and loads every program through the verifier. A rejection carries
     * the tail of the verifier's log.
     */
    public void load() {
        checkNotLoaded();
        int rc = Native.call(() -> (int) LOAD.invokeExact(obj));
        if (rc < 0) {
            throw new BpfException("bpf_object__load(" + name + ")", -rc, verifierLogTail());
        }
        loaded = true;
    }

    /** A loaded map; its fd belongs to this object. */
    public BpfMap map(String mapName) {
        checkLoaded();
        MemorySegment map = findMap(mapName);
        int fd = Native.call(() -> (int) MAP_FD.invokeExact(map));
        return BpfMap.borrowed(BpfException.check(fd, "bpf_map__fd(" + mapName + ")", null));
    }

    /** A loaded program; its fd belongs to this object. */
    public BpfProgram program(String programName) {
        checkLoaded();
        MemorySegment prog = findProgram(programName);
        int fd = Native.call(() -> (int) PROG_FD.invokeExact(prog));
        return new BpfProgram(programName, BpfException.check(fd, "bpf_program__fd(" + programName + ")", null));
    }

    /** The object's type information, valid while it is open. */
    public Btf btf() {
        MemorySegment btf = Native.call(() -> (MemorySegment) BTF.invokeExact(obj));
        if (Native.isNull(btf)) {
            throw new BpfException("bpf_object__btf(" + name + ")", 0, "object was built without -g");
        }
        return new Btf(btf);
    }

    @Override
    public void close() {
        try {
            Native.run(() -> {
                CLOSE.invokeExact(obj);
            });
        } finally {
            arena.close();
        }
    }

    private String verifierLogTail() {
        String text = log.getString(0);
        if (text.isBlank()) {
            return "see the libbpf log above";
        }
        String[] lines = text.split("\n");
        int from = Math.max(0, lines.length - LOG_TAIL_LINES);
        return "verifier log (last " + (lines.length - from) + " lines):\n"
                + String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
    }

    private MemorySegment nextMap(MemorySegment map) {
        return Native.call(() -> (MemorySegment) NEXT_MAP.invokeExact(obj, map));
    }

    private static String mapName(MemorySegment map) {
        return Native.string(Native.call(() -> (MemorySegment) MAP_NAME.invokeExact(map)));
    }

    private MemorySegment findMap(String mapName) {
        return find(FIND_MAP, "map", mapName);
    }

    private MemorySegment findProgram(String programName) {
        return find(FIND_PROGRAM, "program", programName);
    }

    /** {@code bpf_object__find_map_by_name} or {@code bpf_object__find_program_by_name}. */
    private MemorySegment find(MethodHandle finder, String kind, String wanted) {
        MemorySegment found = Native.call(() -> (MemorySegment) finder.invokeExact(obj, arena.allocateFrom(wanted)));
        if (Native.isNull(found)) {
            throw new BpfException("bpf_object__find_" + kind + "_by_name(" + wanted + ")", Errno.ENOENT.number(),
                    "object " + name + " declares no such " + kind);
        }
        return found;
    }

    private void checkLoaded() {
        if (!loaded) {
            throw new IllegalStateException(name + " is not loaded yet");
        }
    }

    private void checkNotLoaded() {
        if (loaded) {
            throw new IllegalStateException(name + " is loaded already");
        }
    }

    /** A map of an object that is not loaded yet. */
    public final class MapSpec {
        private final MemorySegment map;
        private final String mapName;

        private MapSpec(MemorySegment map, String mapName) {
            this.map = map;
            this.mapName = mapName;
        }

        public String name() {
            return mapName;
        }

        public int maxEntries() {
            return Native.call(() -> (int) MAP_MAX_ENTRIES.invokeExact(map));
        }

        public int keySize() {
            return Native.call(() -> (int) MAP_KEY_SIZE.invokeExact(map));
        }

        /** One CPU's share for per-CPU maps. */
        public int valueSize() {
            return Native.call(() -> (int) MAP_VALUE_SIZE.invokeExact(map));
        }

        public MapSpec setMaxEntries(int maxEntries) {
            checkNotLoaded();
            return set(Native.call(() -> (int) MAP_SET_MAX_ENTRIES.invokeExact(map, maxEntries)),
                    "bpf_map__set_max_entries(" + mapName + ", " + maxEntries + ")", null);
        }

        /**
         * Pins the map at path when it is created; if a compatible map is pinned there already, load
         * re-uses it (and fails, naming the mismatch, when it is not compatible).
         */
        public MapSpec setPinPath(Path path) {
            checkNotLoaded();
            MemorySegment pinPath = arena.allocateFrom(path.toString());
            return set(Native.call(() -> (int) MAP_SET_PIN_PATH.invokeExact(map, pinPath)),
                    "bpf_map__set_pin_path(" + mapName + ")", path.toString());
        }

        /** Uses an existing map instead of creating one. */
        public MapSpec reuse(BpfMap existing) {
            checkNotLoaded();
            return set(Native.call(() -> (int) MAP_REUSE_FD.invokeExact(map, existing.fd())),
                    "bpf_map__reuse_fd(" + mapName + ")", null);
        }

        private MapSpec set(int rc, String call, String detail) {
            BpfException.check(rc, call, detail);
            return this;
        }
    }
}

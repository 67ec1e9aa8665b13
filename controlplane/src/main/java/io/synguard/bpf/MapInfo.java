package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * What the kernel says of a map ({@code struct bpf_map_info}).
 *
 * @param type       {@code enum bpf_map_type}
 * @param id         the kernel's id for it
 * @param keySize    bytes
 * @param valueSize  bytes, one CPU's share for per-CPU maps
 * @param maxEntries capacity
 * @param flags      {@code BPF_F_*} map flags
 * @param name       at most 15 characters
 */
public record MapInfo(int type, int id, int keySize, int valueSize, int maxEntries, int flags, String name) {
    public static final int TYPE_HASH = 1;
    public static final int TYPE_ARRAY = 2;
    public static final int TYPE_PERCPU_HASH = 5;
    public static final int TYPE_PERCPU_ARRAY = 6;
    public static final int TYPE_LRU_PERCPU_HASH = 10;
    public static final int TYPE_LPM_TRIE = 11;
    public static final int TYPE_RINGBUF = 27;

    public static final int F_NO_PREALLOC = 1;
    public static final int F_MMAPABLE = 1 << 10;

    private static final int INFO_SIZE = 88;

    static MapInfo of(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(INFO_SIZE, 8);
            Fd.info(fd, info, "map");
            return new MapInfo(info.get(JAVA_INT, 0), info.get(JAVA_INT, 4), info.get(JAVA_INT, 8),
                    info.get(JAVA_INT, 12), info.get(JAVA_INT, 16), info.get(JAVA_INT, 20),
                    info.asSlice(24, 16).getString(0));
        }
    }

    public boolean perCpu() {
        return type == TYPE_PERCPU_ARRAY || type == TYPE_PERCPU_HASH || type == TYPE_LRU_PERCPU_HASH;
    }
}

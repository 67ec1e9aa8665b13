package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

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

    private static final long NAME_BYTES = 16;

    static MapInfo of(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = Fd.info(fd, arena, Structs.MAP_INFO, "map");
            return new MapInfo(u32(info, "type"), u32(info, "id"), u32(info, "key_size"), u32(info, "value_size"),
                    u32(info, "max_entries"), u32(info, "map_flags"),
                    info.asSlice(Structs.offset(Structs.MAP_INFO, "name"), NAME_BYTES).getString(0));
        }
    }

    public boolean perCpu() {
        return type == TYPE_PERCPU_ARRAY || type == TYPE_PERCPU_HASH || type == TYPE_LRU_PERCPU_HASH;
    }

    private static int u32(MemorySegment info, String member) {
        return Structs.u32(info, Structs.MAP_INFO, member);
    }
}

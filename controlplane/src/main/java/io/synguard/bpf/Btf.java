package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Type information of a BPF object: struct layouts and enum values as the compiler laid them out.
 * Valid while its {@link BpfObject} is open.
 */
@SuppressWarnings("restricted") // FFM lives in this package only
public final class Btf {
    /** {@code __s32 btf__find_by_name_kind(const struct btf *btf, const char *type_name, __u32 kind);} */
    private static final MethodHandle FIND =
            Native.libbpf("btf__find_by_name_kind", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    /** {@code const struct btf_type *btf__type_by_id(const struct btf *btf, __u32 id);} */
    private static final MethodHandle TYPE_BY_ID =
            Native.libbpf("btf__type_by_id", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    /** {@code const char *btf__name_by_offset(const struct btf *btf, __u32 offset);} */
    private static final MethodHandle NAME_BY_OFFSET =
            Native.libbpf("btf__name_by_offset", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));

    private static final int KIND_STRUCT = 4;
    private static final int KIND_ENUM = 6;
    /** struct btf_type: name_off, info, size; then vlen entries of 12 (members) or 8 (enumerators). */
    private static final long TYPE_HEADER = 12;

    private final MemorySegment btf;

    Btf(MemorySegment btf) {
        this.btf = btf;
    }

    /** A struct's size and its members' byte offsets, in declaration order. */
    public Optional<Struct> struct(String name) {
        return type(name, KIND_STRUCT).map(t -> {
            Map<String, Long> members = new LinkedHashMap<>();
            boolean bitfields = t.get(JAVA_INT, 4) < 0;
            for (int i = 0; i < vlen(t); i++) {
                long at = TYPE_HEADER + i * 12L;
                int offset = t.get(JAVA_INT, at + 8);
                long bits = bitfields ? offset & 0xffffff : Integer.toUnsignedLong(offset);
                members.put(name(t.get(JAVA_INT, at)), bits / 8);
            }
            return new Struct(name, Integer.toUnsignedLong(t.get(JAVA_INT, 8)), members);
        });
    }

    /** An enum's constants and values, in declaration order. */
    public Optional<Map<String, Long>> enumeration(String name) {
        return type(name, KIND_ENUM).map(t -> {
            Map<String, Long> values = new LinkedHashMap<>();
            for (int i = 0; i < vlen(t); i++) {
                long at = TYPE_HEADER + i * 8L;
                values.put(name(t.get(JAVA_INT, at)), (long) t.get(JAVA_INT, at + 4));
            }
            return values;
        });
    }

    private Optional<MemorySegment> type(String name, int kind) {
        try (Arena arena = Arena.ofConfined()) {
            int id = (int) FIND.invokeExact(btf, arena.allocateFrom(name), kind);
            if (id < 0) {
                return Optional.empty();
            }
            MemorySegment t = (MemorySegment) TYPE_BY_ID.invokeExact(btf, id);
            int vlen = t.reinterpret(TYPE_HEADER).get(JAVA_INT, 4) & 0xffff;
            return Optional.of(t.reinterpret(TYPE_HEADER + vlen * 12L));
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static int vlen(MemorySegment type) {
        return type.get(JAVA_INT, 4) & 0xffff;
    }

    private String name(int offset) {
        try {
            MemorySegment s = (MemorySegment) NAME_BY_OFFSET.invokeExact(btf, offset);
            return s.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /**
     * @param name    the struct's name
     * @param size    its size in bytes
     * @param members member name to byte offset
     */
    public record Struct(String name, long size, Map<String, Long> members) {}
}

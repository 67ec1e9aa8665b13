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
    /** struct btf_type, then vlen struct btf_member (structs) or struct btf_enum (enums). */
    private static final long TYPE_HEADER = Structs.BTF_TYPE.byteSize();
    private static final long TYPE_INFO = Structs.offset(Structs.BTF_TYPE, "info");
    private static final long TYPE_SIZE = Structs.offset(Structs.BTF_TYPE, "size");
    private static final long MEMBER = Structs.BTF_MEMBER.byteSize();
    private static final long MEMBER_NAME = Structs.offset(Structs.BTF_MEMBER, "name_off");
    private static final long MEMBER_OFFSET = Structs.offset(Structs.BTF_MEMBER, "offset");
    private static final long ENUM = Structs.BTF_ENUM.byteSize();
    private static final long ENUM_NAME = Structs.offset(Structs.BTF_ENUM, "name_off");
    private static final long ENUM_VALUE = Structs.offset(Structs.BTF_ENUM, "val");

    private final MemorySegment btf;

    Btf(MemorySegment btf) {
        this.btf = btf;
    }

    /** A struct's size and its members' byte offsets, in declaration order. */
    public Optional<Struct> struct(String name) {
        return type(name, KIND_STRUCT).map(t -> {
            Map<String, Long> members = new LinkedHashMap<>();
            boolean bitfields = t.get(JAVA_INT, TYPE_INFO) < 0;
            for (int i = 0; i < vlen(t); i++) {
                long at = TYPE_HEADER + i * MEMBER;
                int offset = t.get(JAVA_INT, at + MEMBER_OFFSET);
                long bits = bitfields ? offset & 0xffffff : Integer.toUnsignedLong(offset);
                members.put(name(t.get(JAVA_INT, at + MEMBER_NAME)), bits / 8);
            }
            return new Struct(name, Integer.toUnsignedLong(t.get(JAVA_INT, TYPE_SIZE)), members);
        });
    }

    /** An enum's constants and values, in declaration order. */
    public Optional<Map<String, Long>> enumeration(String name) {
        return type(name, KIND_ENUM).map(t -> {
            Map<String, Long> values = new LinkedHashMap<>();
            for (int i = 0; i < vlen(t); i++) {
                long at = TYPE_HEADER + i * ENUM;
                values.put(name(t.get(JAVA_INT, at + ENUM_NAME)), (long) t.get(JAVA_INT, at + ENUM_VALUE));
            }
            return values;
        });
    }

    private Optional<MemorySegment> type(String name, int kind) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment typeName = arena.allocateFrom(name);
            int id = Native.call(() -> (int) FIND.invokeExact(btf, typeName, kind));
            if (id < 0) {
                return Optional.empty();
            }
            MemorySegment t = Native.call(() -> (MemorySegment) TYPE_BY_ID.invokeExact(btf, id));
            // the entries' size depends on the kind: enumerators are smaller, so this covers both
            return Optional.of(t.reinterpret(TYPE_HEADER + vlen(t.reinterpret(TYPE_HEADER)) * MEMBER));
        }
    }

    private static int vlen(MemorySegment type) {
        return type.get(JAVA_INT, TYPE_INFO) & 0xffff;
    }

    private String name(int offset) {
        return Native.string(Native.call(() -> (MemorySegment) NAME_BY_OFFSET.invokeExact(btf, offset)));
    }

    /**
     * @param name    the struct's name
     * @param size    its size in bytes
     * @param members member name to byte offset
     */
    public record Struct(String name, long size, Map<String, Long> members) {}
}

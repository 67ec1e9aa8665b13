package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.Arrays;
import java.util.List;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.sequenceLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Every libbpf and kernel struct this package writes or reads by offset, once: layouts named after
 * the C struct, members after its fields (a nested group is a union's or struct's member, as in
 * {@code xdp.ifindex}); fields the code does not use are padding. NativeAbiTest holds each against
 * this host's headers, through a probe compiled from {@code src/test/c/native_abi.c}.
 */
final class Structs {
    /** {@code <bpf/libbpf.h>}, as of libbpf 1.1. */
    static final StructLayout OBJECT_OPEN_OPTS = struct("bpf_object_open_opts",
            JAVA_LONG.withName("sz"), ADDRESS.withName("object_name"), paddingLayout(40),
            ADDRESS.withName("kernel_log_buf"), JAVA_LONG.withName("kernel_log_size"), paddingLayout(8));
    static final StructLayout XDP_QUERY_OPTS = struct("bpf_xdp_query_opts",
            JAVA_LONG.withName("sz"), JAVA_INT.withName("prog_id"), JAVA_INT.withName("drv_prog_id"),
            JAVA_INT.withName("hw_prog_id"), JAVA_INT.withName("skb_prog_id"), JAVA_BYTE.withName("attach_mode"),
            paddingLayout(7));

    /** {@code <bpf/bpf.h>}, as of libbpf 1.1. */
    static final StructLayout MAP_BATCH_OPTS = struct("bpf_map_batch_opts",
            JAVA_LONG.withName("sz"), JAVA_LONG.withName("elem_flags"), JAVA_LONG.withName("flags"));
    static final StructLayout TEST_RUN_OPTS = struct("bpf_test_run_opts",
            JAVA_LONG.withName("sz"), ADDRESS.withName("data_in"), ADDRESS.withName("data_out"),
            JAVA_INT.withName("data_size_in"), JAVA_INT.withName("data_size_out"),
            ADDRESS.withName("ctx_in"), ADDRESS.withName("ctx_out"),
            JAVA_INT.withName("ctx_size_in"), JAVA_INT.withName("ctx_size_out"),
            JAVA_INT.withName("retval"), JAVA_INT.withName("repeat"), JAVA_INT.withName("duration"),
            JAVA_INT.withName("flags"), JAVA_INT.withName("cpu"), JAVA_INT.withName("batch_size"));
    static final StructLayout LINK_CREATE_OPTS = struct("bpf_link_create_opts",
            JAVA_LONG.withName("sz"), JAVA_INT.withName("flags"), paddingLayout(52));
    static final StructLayout LINK_UPDATE_OPTS = struct("bpf_link_update_opts",
            JAVA_LONG.withName("sz"), JAVA_INT.withName("flags"), JAVA_INT.withName("old_prog_fd"));

    /** {@code <linux/bpf.h>}: what bpf_obj_get_info_by_fd fills, up to the size passed. */
    static final StructLayout PROG_INFO = struct("bpf_prog_info",
            JAVA_INT.withName("type"), JAVA_INT.withName("id"), paddingLayout(224));
    static final StructLayout MAP_INFO = struct("bpf_map_info",
            JAVA_INT.withName("type"), JAVA_INT.withName("id"), JAVA_INT.withName("key_size"),
            JAVA_INT.withName("value_size"), JAVA_INT.withName("max_entries"), JAVA_INT.withName("map_flags"),
            sequenceLayout(16, JAVA_BYTE).withName("name"), paddingLayout(48));
    static final StructLayout LINK_INFO = struct("bpf_link_info",
            JAVA_INT.withName("type"), JAVA_INT.withName("id"), JAVA_INT.withName("prog_id"), paddingLayout(4),
            structLayout(JAVA_INT.withName("ifindex")).withName("xdp"), paddingLayout(28));
    /** {@code <linux/bpf.h>}: an XDP program's context, as BPF_PROG_TEST_RUN takes it. */
    static final StructLayout XDP_MD = struct("xdp_md",
            JAVA_INT.withName("data"), JAVA_INT.withName("data_end"), JAVA_INT.withName("data_meta"),
            JAVA_INT.withName("ingress_ifindex"), JAVA_INT.withName("rx_queue_index"),
            JAVA_INT.withName("egress_ifindex"));

    /** {@code <linux/btf.h>}: a type, then vlen members (structs) or enumerators (enums). */
    static final StructLayout BTF_TYPE = struct("btf_type",
            JAVA_INT.withName("name_off"), JAVA_INT.withName("info"), JAVA_INT.withName("size"));
    static final StructLayout BTF_MEMBER = struct("btf_member",
            JAVA_INT.withName("name_off"), JAVA_INT.withName("type"), JAVA_INT.withName("offset"));
    static final StructLayout BTF_ENUM = struct("btf_enum", JAVA_INT.withName("name_off"), JAVA_INT.withName("val"));

    /** {@code <signal.h>} (glibc): a signal's disposition; between handler and flags, the 1024-bit mask. */
    static final StructLayout SIGACTION = struct("sigaction",
            ADDRESS.withName("sa_handler"), paddingLayout(128), JAVA_INT.withName("sa_flags"), paddingLayout(12));

    /**
     * Structs whose user passes their size ({@code sz}, {@code info_len}): libbpf and the kernel
     * accept any size up to their own, so this host's may be larger than the layout.
     */
    static final List<StructLayout> SIZED = List.of(OBJECT_OPEN_OPTS, XDP_QUERY_OPTS, MAP_BATCH_OPTS, TEST_RUN_OPTS,
            LINK_CREATE_OPTS, LINK_UPDATE_OPTS, PROG_INFO, MAP_INFO, LINK_INFO);
    /** Structs whose size is part of the ABI: the same on every host. */
    static final List<StructLayout> FIXED = List.of(XDP_MD, BTF_TYPE, BTF_MEMBER, BTF_ENUM, SIGACTION);

    private Structs() {}

    /** The byte offset of member (dotted for a nested one) in struct. */
    static long offset(StructLayout struct, String member) {
        return struct.byteOffset(Arrays.stream(member.split("\\."))
                .map(MemoryLayout.PathElement::groupElement).toArray(MemoryLayout.PathElement[]::new));
    }

    /** The u32 member (dotted for a nested one) of a struct laid out as layout. */
    static int u32(MemorySegment struct, StructLayout layout, String member) {
        return struct.get(JAVA_INT, offset(layout, member));
    }

    /** A zeroed opts struct whose {@code sz} says its size: how libbpf learns which fields the caller knows. */
    static MemorySegment opts(Arena arena, StructLayout opts) {
        MemorySegment struct = arena.allocate(opts);
        struct.set(JAVA_LONG, offset(opts, "sz"), opts.byteSize());
        return struct;
    }

    private static StructLayout struct(String name, MemoryLayout... members) {
        return structLayout(members).withName(name);
    }
}

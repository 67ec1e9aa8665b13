package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * What is attached at an interface's XDP hook, as netlink reports it.
 *
 * @param attached         how: none, native (driver), generic (skb), offloaded, or several
 * @param nativeProgramId  the program in the driver, 0 for none
 * @param genericProgramId the program at the skb hook, 0 for none
 */
public record XdpStatus(Attached attached, int nativeProgramId, int genericProgramId) {
    /** {@code int bpf_xdp_query(int ifindex, int flags, struct bpf_xdp_query_opts *opts);} */
    private static final MethodHandle QUERY =
            Native.libbpf("bpf_xdp_query", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));

    private static final long DRV_PROG_ID = Structs.offset(Structs.XDP_QUERY_OPTS, "drv_prog_id");
    private static final long SKB_PROG_ID = Structs.offset(Structs.XDP_QUERY_OPTS, "skb_prog_id");
    private static final long ATTACH_MODE = Structs.offset(Structs.XDP_QUERY_OPTS, "attach_mode");

    /** {@code XDP_ATTACHED_*}, in the kernel's order. */
    public enum Attached { NONE, NATIVE, GENERIC, OFFLOAD, MULTIPLE }

    /** Asks the kernel what is attached at ifindex. */
    public static XdpStatus query(int ifindex) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = Structs.opts(arena, Structs.XDP_QUERY_OPTS);
            int rc = Native.call(() -> (int) QUERY.invokeExact(ifindex, 0, opts));
            BpfException.check(rc, "bpf_xdp_query(ifindex " + ifindex + ")", null);
            int mode = opts.get(JAVA_BYTE, ATTACH_MODE);
            Attached attached = mode >= 0 && mode < Attached.values().length ? Attached.values()[mode] : Attached.MULTIPLE;
            return new XdpStatus(attached, opts.get(JAVA_INT, DRV_PROG_ID), opts.get(JAVA_INT, SKB_PROG_ID));
        }
    }

    /** The attached program's id whichever the hook, 0 for none. */
    public int programId() {
        return nativeProgramId != 0 ? nativeProgramId : genericProgramId;
    }
}

package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

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

    /** struct bpf_xdp_query_opts (libbpf 1.1): sz, prog_id, drv_prog_id, hw_prog_id, skb_prog_id, attach_mode. */
    private static final long OPTS_SIZE = 32;

    /** {@code XDP_ATTACHED_*}, in the kernel's order. */
    public enum Attached { NONE, NATIVE, GENERIC, OFFLOAD, MULTIPLE }

    /** Asks the kernel what is attached at ifindex. */
    public static XdpStatus query(int ifindex) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(OPTS_SIZE, 8);
            opts.set(JAVA_LONG, 0, OPTS_SIZE);
            int rc = (int) QUERY.invokeExact(ifindex, 0, opts);
            BpfException.check(rc, "bpf_xdp_query(ifindex " + ifindex + ")", null);
            int mode = opts.get(JAVA_BYTE, 24);
            Attached attached = mode >= 0 && mode < Attached.values().length ? Attached.values()[mode] : Attached.MULTIPLE;
            return new XdpStatus(attached, opts.get(JAVA_INT, 12), opts.get(JAVA_INT, 20));
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** The attached program's id whichever the hook, 0 for none. */
    public int programId() {
        return nativeProgramId != 0 ? nativeProgramId : genericProgramId;
    }
}

package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** What every bpf_link does, whatever it attaches: swap its program, detach. Its users own the fd. */
final class LinkCalls {
    /** {@code int bpf_link_update(int link_fd, int new_prog_fd, const struct bpf_link_update_opts *opts);} */
    private static final MethodHandle LINK_UPDATE =
            Native.libbpf("bpf_link_update", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    /** {@code int bpf_link_detach(int link_fd);} */
    private static final MethodHandle LINK_DETACH =
            Native.libbpf("bpf_link_detach", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private LinkCalls() {}

    /** Replaces the link's program atomically: no packet goes unprocessed. */
    static void update(int fd, BpfProgram program) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = Structs.opts(arena, Structs.LINK_UPDATE_OPTS);
            int rc = Native.call(() -> (int) LINK_UPDATE.invokeExact(fd, program.fd(), opts));
            BpfException.check(rc, "bpf_link_update(" + program.name() + ")", null);
        }
    }

    /** Takes the program off its hook; pins of the link stay until removed. */
    static void detach(int fd) {
        BpfException.check(Native.call(() -> (int) LINK_DETACH.invokeExact(fd)), "bpf_link_detach", null);
    }
}

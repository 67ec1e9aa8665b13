package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A TC program attached at an interface's ingress through a tcx bpf_link (kernel >= 6.6). libbpf 1.1
 * predates {@code bpf_program__attach_tcx}, so this calls {@code bpf_link_create} with
 * {@code BPF_TCX_INGRESS}, which it passes through to the kernel. Several tcx programs share the hook;
 * this one goes last. Closing the link detaches it unless it is pinned. Owns its fd.
 */
public final class TcxLink implements AutoCloseable {
    /** {@code int bpf_link_create(int prog_fd, int target_fd, enum bpf_attach_type attach_type,
     * const struct bpf_link_create_opts *opts);} */
    private static final MethodHandle LINK_CREATE = Native.libbpf("bpf_link_create",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));

    /**
     * {@code BPF_TCX_INGRESS} of {@code enum bpf_attach_type}: newer than this host's uapi headers,
     * so NativeAbiTest cannot hold it; 46 in the running kernel's BTF.
     */
    static final int BPF_TCX_INGRESS = 46;

    private final int fd;
    private boolean closed;

    private TcxLink(int fd) {
        this.fd = fd;
    }

    /** Attaches program (SCHED_CLS) at ifindex's ingress. */
    public static TcxLink attachIngress(BpfProgram program, int ifindex) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = Structs.opts(arena, Structs.LINK_CREATE_OPTS);
            int rc = Native.call(() -> (int) LINK_CREATE.invokeExact(program.fd(), ifindex, BPF_TCX_INGRESS, opts));
            return new TcxLink(BpfException.check(rc, "bpf_link_create(tcx ingress, ifindex " + ifindex + ")",
                    rc == -Errno.EINVAL.number() ? "tcx needs kernel 6.6 or later" : null));
        }
    }

    /** Opens the link pinned at path. */
    public static TcxLink openPinned(Path path) {
        return new TcxLink(Fd.get(path));
    }

    /** Replaces the attached program atomically. */
    public void update(BpfProgram program) {
        LinkCalls.update(fd, program);
    }

    /** Takes the program off the interface; pins of the link stay until removed. */
    public void detach() {
        LinkCalls.detach(fd);
    }

    /** Keeps the link, and so the attachment, alive past this process. */
    public void pin(Path path) {
        Fd.pin(fd, path, "tcx link");
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Fd.close(fd);
        }
    }
}

package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * An XDP program attached to an interface through a bpf_link. A pinned link keeps the program
 * attached after this process exits, and no other tool can replace it by accident; {@link #update}
 * swaps the program atomically, {@link #detach} removes it. Owns its fd.
 */
public final class XdpLink implements AutoCloseable {
    /** {@code int bpf_link_create(int prog_fd, int target_fd, enum bpf_attach_type attach_type,
     * const struct bpf_link_create_opts *opts);} */
    private static final MethodHandle LINK_CREATE = Native.libbpf("bpf_link_create",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));

    /** {@code BPF_XDP} of {@code enum bpf_attach_type}. */
    static final int BPF_XDP = 37;
    /** {@code BPF_LINK_TYPE_XDP} of {@code enum bpf_link_type}. */
    static final int BPF_LINK_TYPE_XDP = 6;
    private static final long CREATE_FLAGS = Structs.offset(Structs.LINK_CREATE_OPTS, "flags");

    private final int fd;
    private boolean closed;

    private XdpLink(int fd) {
        this.fd = fd;
    }

    /** Attaches program at ifindex; fails with EBUSY if another program holds the hook. */
    public static XdpLink attach(BpfProgram program, int ifindex, XdpMode mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = Structs.opts(arena, Structs.LINK_CREATE_OPTS);
            opts.set(JAVA_INT, CREATE_FLAGS, mode.flags);
            int rc = Native.call(() -> (int) LINK_CREATE.invokeExact(program.fd(), ifindex, BPF_XDP, opts));
            return new XdpLink(BpfException.check(rc, "bpf_link_create(xdp, ifindex " + ifindex + ", " + mode + ")",
                    attachHint(-rc, mode)));
        }
    }

    /** Opens the link pinned at path; it must be an XDP link. */
    public static XdpLink openPinned(Path path) {
        XdpLink link = new XdpLink(Fd.get(path));
        try {
            link.info();
            return link;
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
    }

    /** Keeps the link, and so the attachment, alive past this process. */
    public void pin(Path path) {
        Fd.pin(fd, path, "xdp link");
    }

    /** Replaces the attached program atomically: no packet goes unprocessed. */
    public void update(BpfProgram program) {
        LinkCalls.update(fd, program);
    }

    /** Takes the program off the interface; pins of the link stay until removed. */
    public void detach() {
        LinkCalls.detach(fd);
    }

    /** The link's id, its program's id, and its interface (0 once detached). */
    public Info info() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = Fd.info(fd, arena, Structs.LINK_INFO, "link");
            int type = Structs.u32(info, Structs.LINK_INFO, "type");
            if (type != BPF_LINK_TYPE_XDP) {
                throw new BpfException("bpf_obj_get_info_by_fd", Errno.EINVAL.number(),
                        "link of type " + type + " is not an XDP link");
            }
            return new Info(Structs.u32(info, Structs.LINK_INFO, "id"), Structs.u32(info, Structs.LINK_INFO, "prog_id"),
                    Structs.u32(info, Structs.LINK_INFO, "xdp.ifindex"));
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Fd.close(fd);
        }
    }

    private static String attachHint(int errno, XdpMode mode) {
        return switch (Errno.of(errno)) {
            case EOPNOTSUPP, ENOTSUPP -> mode == XdpMode.NATIVE
                    ? "the driver has no native XDP; use generic mode" : null;
            case EBUSY, EEXIST -> "another XDP program is attached there";
            case EINVAL -> "the interface refuses this program (MTU above what XDP handles, or an offload)";
            case null, default -> null;
        };
    }

    /**
     * @param id        the link's id
     * @param programId the attached program's id
     * @param ifindex   the interface, 0 once the link is detached
     */
    public record Info(int id, int programId, int ifindex) {}
}

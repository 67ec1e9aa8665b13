package io.synguard.bpf;

/**
 * A failed libbpf, kernel or libc call: which call, its errno and what that errno means, and what it
 * was doing.
 */
public final class BpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    BpfException(String call, int errno, String detail) {
        this(message(call, errno, detail), call, errno);
    }

    private BpfException(String message, String call, int errno) {
        super(message);
        this.call = call;
        this.errno = errno;
    }

    /** libbpf itself cannot be used: sentence says why and what to do, and is the whole message. */
    static BpfException unusable(String call, String sentence) {
        return new BpfException(sentence, call, 0);
    }

    /** Throws for a negative libbpf return code ({@code -errno}); returns it otherwise. */
    static int check(int rc, String call, String detail) {
        if (rc < 0) {
            throw new BpfException(call, -rc, detail);
        }
        return rc;
    }

    /** The call that failed, e.g. {@code bpf_map_update_elem(sg_rules)}. */
    public String call() {
        return call;
    }

    /** The positive errno, or 0 when the failure was not the kernel's or libc's. */
    public int errno() {
        return errno;
    }

    private static String message(String call, int errno, String detail) {
        StringBuilder m = new StringBuilder(call).append(" failed");
        if (errno != 0) {
            m.append(": ").append(Errno.name(errno)).append(" (").append(Errno.describe(errno)).append(')');
        }
        if (detail != null && !detail.isEmpty()) {
            m.append(": ").append(detail);
        }
        return m.toString();
    }
}

package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** The errno numbers synguard meets, by name, and any errno as a name and a sentence. */
public enum Errno {
    EPERM(1), ENOENT(2), ESRCH(3), EINTR(4), EIO(5), ENXIO(6), E2BIG(7), ENOEXEC(8), EBADF(9), EAGAIN(11),
    ENOMEM(12), EACCES(13), EFAULT(14), EBUSY(16), EEXIST(17), EXDEV(18), ENODEV(19), ENOTDIR(20), EISDIR(21),
    EINVAL(22), ENFILE(23), EMFILE(24), ENOSPC(28), ERANGE(34), ENOSYS(38), ENOTEMPTY(39), ELOOP(40),
    ENOLINK(67), EPROTO(71), EOVERFLOW(75), EOPNOTSUPP(95), ETIMEDOUT(110), ENOTSUPP(524);

    private static final Map<Integer, Errno> BY_NUMBER =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Errno::number, e -> e));

    /** {@code int libbpf_strerror(int err, char *buf, size_t size);} knows libbpf's own codes too. */
    private static final MethodHandle LIBBPF_STRERROR =
            Native.libbpf("libbpf_strerror", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));

    private final int number;

    Errno(int number) {
        this.number = number;
    }

    /** The positive number, as in errno. */
    public int number() {
        return number;
    }

    /** The one with this number; null for one without a name here. */
    public static Errno of(int errno) {
        return BY_NUMBER.get(errno);
    }

    /** The symbolic name, e.g. {@code ENOENT}, or {@code errno N} for one without a name here. */
    public static String name(int errno) {
        Errno e = of(errno);
        return e == null ? "errno " + errno : e.name();
    }

    /** The C library's (or libbpf's) sentence for it. */
    public static String describe(int errno) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256);
            int rc = Native.call(() -> (int) LIBBPF_STRERROR.invokeExact(errno, buf, buf.byteSize()));
            return rc == 0 ? buf.getString(0) : "unknown error";
        }
    }
}

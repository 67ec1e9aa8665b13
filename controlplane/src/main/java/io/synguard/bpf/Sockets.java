package io.synguard.bpf;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** Sockets the kernel is asked things through (ethtool, netlink); the caller closes them with {@link Fd#close}. */
final class Sockets {
    /** {@code int socket(int domain, int type, int protocol);} */
    private static final MethodHandle SOCKET = Native.libcWithErrno("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final int SOCK_CLOEXEC = 0x80000;

    private Sockets() {}

    /** A socket of domain, type and protocol, closed on exec; what names it in a failure. */
    static int open(int domain, int type, int protocol, String what) {
        return Native.callSettingErrno("socket(" + what + ")", null, Native::negative,
                errno -> (int) SOCKET.invokeExact(errno, domain, type | SOCK_CLOEXEC, protocol));
    }
}

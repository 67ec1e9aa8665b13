package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.function.Supplier;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Runs code on the calling thread inside another network namespace ({@code ip netns} makes them
 * under /run/netns). Only the thread moves: interface names, ifindexes and the XDP hooks it sees
 * become the namespace's until the call returns. BPF maps and pins are not namespaced.
 */
public final class NetNamespace {
    /** {@code int open(const char *pathname, int flags);} */
    private static final MethodHandle OPEN =
            Native.libcWithErrno("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    /** {@code int setns(int fd, int nstype);} */
    private static final MethodHandle SETNS =
            Native.libcWithErrno("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    private NetNamespace() {}

    /** The path {@code ip netns add name} creates. */
    public static Path named(String name) {
        return Path.of("/run/netns", name);
    }

    /** Runs action with the calling thread in namespace, then moves it back, also on failure. */
    public static <T> T inside(Path namespace, Supplier<T> action) {
        int home = open(Path.of("/proc/thread-self/ns/net"));
        try {
            int target = open(namespace);
            try {
                enter(target, namespace);
            } finally {
                Fd.close(target);
            }
            try {
                return action.get();
            } finally {
                enter(home, Path.of("/proc/thread-self/ns/net"));
            }
        } finally {
            Fd.close(home);
        }
    }

    /** As {@link #inside(Path, Supplier)}, for an action with no result. */
    public static void run(Path namespace, Runnable action) {
        inside(namespace, () -> {
            action.run();
            return null;
        });
    }

    private static int open(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pathname = arena.allocateFrom(path.toString());
            return Native.callSettingErrno("open(" + path + ")", "no such network namespace?", Native::negative,
                    errno -> (int) OPEN.invokeExact(errno, pathname, O_RDONLY_CLOEXEC));
        }
    }

    private static void enter(int fd, Path what) {
        Native.callSettingErrno("setns(" + what + ")", null, Native::negative,
                errno -> (int) SETNS.invokeExact(errno, fd, CLONE_NEWNET));
    }
}

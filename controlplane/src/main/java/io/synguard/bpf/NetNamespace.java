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
            Native.withErrno(Native.LIBC, "open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    /** {@code int setns(int fd, int nstype);} */
    private static final MethodHandle SETNS =
            Native.withErrno(Native.LIBC, "setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

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
            MemorySegment errno = arena.allocate(Native.CAPTURE_LAYOUT);
            int fd = (int) OPEN.invokeExact(errno, arena.allocateFrom(path.toString()), O_RDONLY_CLOEXEC);
            if (fd < 0) {
                throw new BpfException("open(" + path + ")", Native.errno(errno), "no such network namespace?");
            }
            return fd;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static void enter(int fd, Path what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(Native.CAPTURE_LAYOUT);
            int rc = (int) SETNS.invokeExact(errno, fd, CLONE_NEWNET);
            if (rc != 0) {
                throw new BpfException("setns(" + what + ")", Native.errno(errno), null);
            }
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}

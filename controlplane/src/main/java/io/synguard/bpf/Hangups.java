package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * SIGHUP as a process inherits it. Started under nohup (or by anything else that ignores HUP), a
 * process has HUP ignored, and the JVM then installs no handler for it: a daemon that reloads on
 * SIGHUP would silently never hear it.
 */
public final class Hangups {
    private static final int SIGHUP = 1;
    private static final long SIG_IGN = 1;
    /** {@code int sigaction(int signum, const struct sigaction *act, struct sigaction *oldact);} */
    private static final MethodHandle SIGACTION = Native.libcWithErrno("sigaction",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

    private Hangups() {}

    /**
     * Puts HUP back to its default action if it is ignored, so that a handler can be installed
     * next; whether it was ignored. Where it is not, nothing changes.
     */
    public static boolean unignore() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = arena.allocate(Structs.SIGACTION);
            sigaction(MemorySegment.NULL, old);
            if (old.get(ADDRESS, Structs.offset(Structs.SIGACTION, "sa_handler")).address() != SIG_IGN) {
                return false;
            }
            sigaction(arena.allocate(Structs.SIGACTION), MemorySegment.NULL); // zeroed: SIG_DFL, no mask, no flags
            return true;
        }
    }

    private static void sigaction(MemorySegment act, MemorySegment old) {
        Native.callSettingErrno("sigaction(SIGHUP)", null, Native::negative,
                errno -> (int) SIGACTION.invokeExact(errno, SIGHUP, act, old));
    }
}

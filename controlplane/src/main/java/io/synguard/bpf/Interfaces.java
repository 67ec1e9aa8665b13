package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** Network interface names and indexes, in the calling thread's network namespace. */
public final class Interfaces {
    /** {@code unsigned int if_nametoindex(const char *ifname);} */
    private static final MethodHandle IF_NAMETOINDEX =
            Native.libcWithErrno("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private Interfaces() {}

    /** The index of interface name; a BpfException with ENODEV when there is none. */
    public static int index(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifname = arena.allocateFrom(name);
            return Native.callSettingErrno("if_nametoindex(" + name + ")", "no such interface", index -> index == 0,
                    errno -> (int) IF_NAMETOINDEX.invokeExact(errno, ifname));
        }
    }
}

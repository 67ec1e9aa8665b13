package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** CPUs as per-CPU maps see them, and pinning a thread to one. */
public final class Cpus {
    /** {@code int libbpf_num_possible_cpus(void);} */
    private static final MethodHandle NUM_POSSIBLE =
            Native.libbpf("libbpf_num_possible_cpus", FunctionDescriptor.of(JAVA_INT));
    /** {@code int sched_setaffinity(pid_t pid, size_t cpusetsize, const cpu_set_t *mask);} */
    private static final MethodHandle SCHED_SETAFFINITY = Native.libcWithErrno("sched_setaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));

    private static final int CPU_SET_BYTES = 128;
    private static volatile int possible;

    private Cpus() {}

    /**
     * CPUs the kernel could ever bring online: per-CPU map values hold one slot for each, online or
     * not.
     */
    public static int possible() {
        if (possible == 0) {
            int n = Native.call(() -> (int) NUM_POSSIBLE.invokeExact());
            possible = BpfException.check(n, "libbpf_num_possible_cpus", "reading /sys/devices/system/cpu/possible");
        }
        return possible;
    }

    /** Keeps the calling thread on one CPU, so that a per-CPU map shows its work in one slot. */
    public static void pinCurrentThread(int cpu) {
        if (cpu < 0 || cpu >= CPU_SET_BYTES * 8) {
            throw new IllegalArgumentException("cpu out of range: " + cpu);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(CPU_SET_BYTES);
            mask.set(JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            Native.callSettingErrno("sched_setaffinity(cpu " + cpu + ")", null, Native::negative,
                    errno -> (int) SCHED_SETAFFINITY.invokeExact(errno, 0, (long) CPU_SET_BYTES, mask));
        }
    }
}

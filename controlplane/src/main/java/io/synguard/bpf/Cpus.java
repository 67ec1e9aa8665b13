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
    private static final MethodHandle SCHED_SETAFFINITY = Native.withErrno(Native.LIBC, "sched_setaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));

    private static final int CPU_SET_BYTES = 128;
    private static final int POSSIBLE = readPossible();

    private Cpus() {}

    /**
     * CPUs the kernel could ever bring online: per-CPU map values hold one slot for each, online or
     * not.
     */
    public static int possible() {
        return POSSIBLE;
    }

    /** Keeps the calling thread on one CPU, so that a per-CPU map shows its work in one slot. */
    public static void pinCurrentThread(int cpu) {
        if (cpu < 0 || cpu >= CPU_SET_BYTES * 8) {
            throw new IllegalArgumentException("cpu out of range: " + cpu);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(Native.CAPTURE_LAYOUT);
            MemorySegment mask = arena.allocate(CPU_SET_BYTES);
            mask.set(JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            int rc = (int) SCHED_SETAFFINITY.invokeExact(errno, 0, (long) CPU_SET_BYTES, mask);
            if (rc != 0) {
                throw new BpfException("sched_setaffinity(cpu " + cpu + ")", Native.errno(errno), null);
            }
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    private static int readPossible() {
        try {
            int n = (int) NUM_POSSIBLE.invokeExact();
            return BpfException.check(n, "libbpf_num_possible_cpus", "reading /sys/devices/system/cpu/possible");
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}

package io.synguard.bench;

import io.synguard.bpf.Cpus;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The floors under a map call: an FFM downcall that does nothing much ({@code labs}, in libc), and
 * one that enters the kernel and comes straight back ({@code getppid}). What a map call costs above
 * the second is the BPF system call's own work.
 */
public class DowncallBench extends NanosBench {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle LABS = LINKER.downcallHandle(LINKER.defaultLookup().find("labs").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    private static final MethodHandle GETPPID = LINKER.downcallHandle(
            LINKER.defaultLookup().find("getppid").orElseThrow(), FunctionDescriptor.of(JAVA_INT));

    public long x = -42;

    @Setup(Level.Trial)
    public void setUp() {
        Cpus.pinCurrentThread(Cpus.possible() - 1);
    }

    @Benchmark
    public long labs() throws Throwable {
        return (long) LABS.invokeExact(x);
    }

    @Benchmark
    public int getppid() throws Throwable {
        return (int) GETPPID.invokeExact();
    }
}

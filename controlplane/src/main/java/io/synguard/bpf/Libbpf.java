package io.synguard.bpf;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** Facts about the libbpf this process uses. */
public final class Libbpf {
    /** {@code __u32 libbpf_major_version(void);} */
    private static final MethodHandle MAJOR = Native.libbpf("libbpf_major_version", FunctionDescriptor.of(JAVA_INT));
    /** {@code __u32 libbpf_minor_version(void);} */
    private static final MethodHandle MINOR = Native.libbpf("libbpf_minor_version", FunctionDescriptor.of(JAVA_INT));

    private Libbpf() {}

    /** major.minor, e.g. 1.1. */
    public static String version() {
        try {
            return (int) MAJOR.invokeExact() + "." + (int) MINOR.invokeExact();
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}

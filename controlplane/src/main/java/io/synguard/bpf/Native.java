package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * The linker, the two libraries synguard calls (libbpf.so.1 and libc), and errno capture.
 *
 * <p>libbpf's {@code int} functions return {@code -errno} themselves; its pointer functions and
 * libc's return NULL or -1 and set errno, which a handle made by {@link #withErrno} captures per call
 * into a segment the caller allocates, never into shared state.
 */
@SuppressWarnings("restricted") // FFM lives in this package only
final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIBC = LINKER.defaultLookup();
    static final SymbolLookup LIBBPF = loadLibbpf();

    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(groupElement("errno"));

    private Native() {}

    private static SymbolLookup loadLibbpf() {
        try {
            return SymbolLookup.libraryLookup("libbpf.so.1", Arena.global());
        } catch (IllegalArgumentException e) {
            throw new BpfException("dlopen(libbpf.so.1)", 0,
                    "libbpf 1.x is not installed; './synguard setup' installs it");
        }
    }

    static MethodHandle libbpf(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(LIBBPF, name), descriptor);
    }

    static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(LIBC, name), descriptor);
    }

    /** A handle whose first parameter is a {@link #CAPTURE_LAYOUT} segment that receives errno. */
    static MethodHandle withErrno(SymbolLookup library, String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(library, name), descriptor, CAPTURE_ERRNO);
    }

    static int errno(MemorySegment captured) {
        return (int) ERRNO.get(captured, 0L);
    }

    private static MemorySegment find(SymbolLookup library, String name) {
        return library.find(name).orElseThrow(() -> new BpfException("dlsym(" + name + ")", 0,
                "symbol not found: libbpf >= 1.1 is required"));
    }

    /** invokeExact on a downcall throws only for a mismatched call site: a bug, not an outcome. */
    static AssertionError unexpected(Throwable t) {
        return new AssertionError("native call failed unexpectedly", t);
    }
}

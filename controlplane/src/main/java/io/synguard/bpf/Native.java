package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MutableCallSite;
import java.lang.invoke.VarHandle;
import java.util.function.Predicate;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * The linker, handles to the two libraries synguard calls (libbpf and libc), errno capture, and the
 * one way every downcall is made ({@link #call}).
 *
 * <p>A libbpf handle links its symbol on its first call, not when its class loads: a host without a
 * usable libbpf fails the first command that needs it with {@link Libbpf}'s sentence, and every other
 * command still runs. Once linked, the handle is the downcall itself.
 *
 * <p>libbpf's {@code int} functions return {@code -errno} themselves; its pointer functions and
 * libc's return NULL or -1 and set errno, which a {@code ...WithErrno} handle captures per call into a
 * segment of the call's own ({@link #callSettingErrno}), never into shared state.
 */
@SuppressWarnings("restricted") // FFM lives in this package only
final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(groupElement("errno"));
    private static final MethodHandle LINK = method(MethodHandles.lookup(), Link.class, "link");

    private Native() {}

    static MethodHandle libbpf(String name, FunctionDescriptor descriptor) {
        return linkedOnFirstCall(name, LINKER.downcallHandle(descriptor));
    }

    /** A libbpf handle whose first parameter is an errno segment ({@link #callSettingErrno}). */
    static MethodHandle libbpfWithErrno(String name, FunctionDescriptor descriptor) {
        return linkedOnFirstCall(name, LINKER.downcallHandle(descriptor, CAPTURE_ERRNO));
    }

    static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(libcSymbol(name), descriptor);
    }

    /** A libc handle whose first parameter is an errno segment ({@link #callSettingErrno}). */
    static MethodHandle libcWithErrno(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(libcSymbol(name), descriptor, CAPTURE_ERRNO);
    }

    /**
     * Makes a downcall. {@code invokeExact} declares Throwable, but a downcall throws only unchecked
     * exceptions (a BpfException when libbpf cannot be linked, a WrongMethodTypeException for a call
     * site that does not match its handle), which pass through as they are.
     */
    static <T> T call(Call<T> call) {
        try {
            return call.invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("native call failed unexpectedly", t);
        }
    }

    /**
     * {@link #call} for a function that returns nothing. Its lambda must be a block, {@code () -> {
     * H.invokeExact(...); }}: only as a statement does {@code invokeExact} mean a void call.
     */
    static void run(VoidCall call) {
        call(() -> {
            call.invoke();
            return null;
        });
    }

    /**
     * Makes a downcall through a {@code withErrno} handle: its result, or, when failed says so, a
     * BpfException naming what was called with the errno the call left.
     */
    static <T> T callSettingErrno(String what, String detail, Predicate<T> failed, ErrnoCall<T> call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE_LAYOUT);
            T result = call(() -> call.invoke(errno));
            if (failed.test(result)) {
                throw new BpfException(what, (int) ERRNO.get(errno, 0L), detail);
            }
            return result;
        }
    }

    /**
     * owner's method of that name and those parameters, static or not, as lookup (the caller's) sees
     * it: the target of an upcall or a call site. Not finding it is a bug.
     */
    static MethodHandle method(MethodHandles.Lookup lookup, Class<?> owner, String name, Class<?>... parameters) {
        try {
            return lookup.unreflect(owner.getDeclaredMethod(name, parameters));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(owner.getSimpleName() + "." + name + " cannot be called", e);
        }
    }

    /** libc's failure: -1. */
    static boolean negative(int rc) {
        return rc < 0;
    }

    /** libbpf's pointer functions' failure: NULL. */
    static boolean isNull(MemorySegment pointer) {
        return pointer.address() == 0;
    }

    /** A C string at address: reading stops at its NUL. */
    static String string(MemorySegment address) {
        return address.reinterpret(Long.MAX_VALUE).getString(0);
    }

    /**
     * A handle of unbound's type less its leading function address: until its first call, it links
     * name in libbpf; from then on it is unbound bound to that address (a MutableCallSite, so the JIT
     * sees a constant).
     */
    private static MethodHandle linkedOnFirstCall(String name, MethodHandle unbound) {
        MutableCallSite site = new MutableCallSite(unbound.type().dropParameterTypes(0, 1));
        MethodHandle linker = LINK.bindTo(new Link(site, unbound, name));
        site.setTarget(MethodHandles.foldArguments(MethodHandles.exactInvoker(site.type()), linker));
        return site.dynamicInvoker();
    }

    private static MemorySegment libcSymbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new IllegalStateException("the C library has no " + name));
    }

    private record Link(MutableCallSite site, MethodHandle unbound, String name) {
        @SuppressWarnings("unused") // through LINK
        MethodHandle link() {
            MethodHandle linked = unbound.bindTo(Libbpf.symbol(name));
            site.setTarget(linked);
            return linked;
        }
    }

    @FunctionalInterface
    interface Call<T> {
        T invoke() throws Throwable;
    }

    @FunctionalInterface
    interface VoidCall {
        void invoke() throws Throwable;
    }

    @FunctionalInterface
    interface ErrnoCall<T> {
        T invoke(MemorySegment errno) throws Throwable;
    }
}

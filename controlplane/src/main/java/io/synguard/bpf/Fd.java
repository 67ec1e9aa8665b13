package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** File-descriptor level calls shared by maps, programs and links. */
final class Fd {
    /** {@code int close(int fd);} */
    private static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    /** {@code int bpf_obj_pin(int fd, const char *pathname);} */
    private static final MethodHandle OBJ_PIN =
            Native.libbpf("bpf_obj_pin", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    /** {@code int bpf_obj_get(const char *pathname);} */
    private static final MethodHandle OBJ_GET =
            Native.libbpf("bpf_obj_get", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    /** {@code int bpf_obj_get_info_by_fd(int bpf_fd, void *info, __u32 *info_len);} */
    private static final MethodHandle OBJ_GET_INFO =
            Native.libbpf("bpf_obj_get_info_by_fd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

    private Fd() {}

    static void close(int fd) {
        int rc = Native.call(() -> (int) CLOSE.invokeExact(fd));
        assert rc == 0 : "close(" + fd + ") failed";
    }

    static void pin(int fd, Path path, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pathname = arena.allocateFrom(path.toString());
            BpfException.check(Native.call(() -> (int) OBJ_PIN.invokeExact(fd, pathname)), "bpf_obj_pin(" + path + ")", what);
        }
    }

    /** The fd of the object pinned at path; the caller owns it. */
    static int get(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pathname = arena.allocateFrom(path.toString());
            return BpfException.check(Native.call(() -> (int) OBJ_GET.invokeExact(pathname)), "bpf_obj_get(" + path + ")", null);
        }
    }

    /** A bpf_*_info struct of layout's size, allocated in arena and filled in for fd. */
    static MemorySegment info(int fd, Arena arena, StructLayout layout, String what) {
        MemorySegment info = arena.allocate(layout);
        MemorySegment len = arena.allocateFrom(JAVA_INT, (int) info.byteSize());
        BpfException.check(Native.call(() -> (int) OBJ_GET_INFO.invokeExact(fd, info, len)), "bpf_obj_get_info_by_fd", what);
        return info;
    }
}

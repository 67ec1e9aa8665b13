package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
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
        try {
            int rc = (int) CLOSE.invokeExact(fd);
            assert rc == 0 : "close(" + fd + ") failed";
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    static void pin(int fd, Path path, String what) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) OBJ_PIN.invokeExact(fd, arena.allocateFrom(path.toString()));
            BpfException.check(rc, "bpf_obj_pin(" + path + ")", what);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** The fd of the object pinned at path; the caller owns it. */
    static int get(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) OBJ_GET.invokeExact(arena.allocateFrom(path.toString()));
            return BpfException.check(rc, "bpf_obj_get(" + path + ")", null);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    /** Fills info (a zeroed bpf_*_info struct) for fd. */
    static void info(int fd, MemorySegment info, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment len = arena.allocateFrom(JAVA_INT, (int) info.byteSize());
            int rc = (int) OBJ_GET_INFO.invokeExact(fd, info, len);
            BpfException.check(rc, "bpf_obj_get_info_by_fd", what);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }
}

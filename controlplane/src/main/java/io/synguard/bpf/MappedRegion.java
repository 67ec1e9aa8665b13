package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A map's values mapped into this process: reads and writes go straight to the memory the XDP
 * program reads, without a system call. The segment dies with the region; closing unmaps it.
 */
@SuppressWarnings("restricted") // FFM lives in this package only
public final class MappedRegion implements AutoCloseable {
    /** {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);} */
    private static final MethodHandle MMAP = Native.libcWithErrno("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    /** {@code int munmap(void *addr, size_t length);} */
    private static final MethodHandle MUNMAP = Native.libc("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_SHARED = 0x1;
    private static final long MAP_FAILED = -1L;
    private static final long PAGE = 4096;

    private final Arena arena;
    private final MemorySegment segment;

    private MappedRegion(Arena arena, MemorySegment segment) {
        this.arena = arena;
        this.segment = segment;
    }

    static MappedRegion map(int fd, long bytes, String what) {
        long length = (bytes + PAGE - 1) & ~(PAGE - 1);
        MemorySegment address = Native.callSettingErrno("mmap(" + what + ", " + length + " bytes)", null,
                a -> a.address() == MAP_FAILED,
                errno -> (MemorySegment) MMAP.invokeExact(errno, MemorySegment.NULL, length, PROT_READ_WRITE, MAP_SHARED, fd, 0L));
        Arena arena = Arena.ofShared();
        MemorySegment segment = address.reinterpret(length, arena, MappedRegion::unmap);
        return new MappedRegion(arena, segment.asSlice(0, bytes));
    }

    /** The mapped values, laid out as the kernel's array: elements rounded up to 8 bytes. */
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public void close() {
        arena.close();
    }

    private static void unmap(MemorySegment mapped) {
        int rc = Native.call(() -> (int) MUNMAP.invokeExact(mapped, mapped.byteSize()));
        assert rc == 0 : "munmap failed";
    }
}

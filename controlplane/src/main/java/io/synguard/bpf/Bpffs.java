package io.synguard.bpf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** The BPF filesystem, where pins live. */
public final class Bpffs {
    /** {@code int mount(const char *source, const char *target, const char *filesystemtype,
     * unsigned long mountflags, const void *data);} */
    private static final MethodHandle MOUNT = Native.libcWithErrno("mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    /** {@code int umount2(const char *target, int flags);} */
    private static final MethodHandle UMOUNT2 = Native.libcWithErrno("umount2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    public static final Path DEFAULT = Path.of("/sys/fs/bpf");

    private Bpffs() {}

    /** Whether a bpffs is mounted at dir, as this process's mount namespace sees it. */
    public static boolean mountedAt(Path dir) {
        try {
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .map(l -> l.split(" "))
                    .anyMatch(f -> f.length > 2 && f[1].equals(dir.toString()) && f[2].equals("bpf"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Mounts a bpffs at dir. */
    public static void mount(Path dir) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bpf = arena.allocateFrom("bpf");
            MemorySegment target = arena.allocateFrom(dir.toString());
            Native.callSettingErrno("mount(bpf, " + dir + ")", "cannot mount a BPF filesystem, which takes CAP_SYS_ADMIN:"
                            + " mount one first ('mount -t bpf bpf " + dir + "')", Native::negative,
                    errno -> (int) MOUNT.invokeExact(errno, bpf, target, bpf, 0L, MemorySegment.NULL));
        }
    }

    /** Unmounts the bpffs at dir: every pin in it goes, and with the last reference what it held. */
    public static void unmount(Path dir) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment target = arena.allocateFrom(dir.toString());
            Native.callSettingErrno("umount2(" + dir + ")", "cannot unmount a BPF filesystem", Native::negative,
                    errno -> (int) UMOUNT2.invokeExact(errno, target, 0));
        }
    }
}

package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Network interface names and indexes, in the calling thread's network namespace. */
public final class Interfaces {
    /** {@code unsigned int if_nametoindex(const char *ifname);} */
    private static final MethodHandle IF_NAMETOINDEX =
            Native.libcWithErrno("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    /** {@code int ioctl(int fd, unsigned long request, void *argp);} */
    private static final MethodHandle IOCTL = Native.libcWithErrno("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));

    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final long SIOCETHTOOL = 0x8946;
    private static final int ETHTOOL_GDRVINFO = 3;
    /** struct ifreq: the name, then a pointer to the ethtool request. */
    private static final int IFREQ_BYTES = 40;
    private static final int IFNAMSIZ = 16;
    /** struct ethtool_drvinfo: cmd, then driver[32], version, firmware and bus strings and counts. */
    private static final int DRVINFO_BYTES = 196;

    private Interfaces() {}

    /** The name of interface name's driver as ethtool reports it ("veth", "mlx5_core"). */
    public static String driver(String name) {
        if (name.length() >= IFNAMSIZ) {
            throw new IllegalArgumentException("an interface name is shorter than " + IFNAMSIZ + " bytes: " + name);
        }
        int fd = Sockets.open(AF_INET, SOCK_DGRAM, 0, "AF_INET, SOCK_DGRAM");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(DRVINFO_BYTES);
            info.set(JAVA_INT, 0, ETHTOOL_GDRVINFO);
            MemorySegment ifreq = arena.allocate(IFREQ_BYTES, 8);
            ifreq.setString(0, name);
            ifreq.set(ADDRESS, IFNAMSIZ, info);
            Native.callSettingErrno("ioctl(" + name + ", ETHTOOL_GDRVINFO)", null, Native::negative,
                    errno -> (int) IOCTL.invokeExact(errno, fd, SIOCETHTOOL, ifreq));
            return info.asSlice(4, 32).getString(0);
        } finally {
            Fd.close(fd);
        }
    }

    /** The index of interface name; a BpfException with ENODEV when there is none. */
    public static int index(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifname = arena.allocateFrom(name);
            return Native.callSettingErrno("if_nametoindex(" + name + ")", "no such interface", index -> index == 0,
                    errno -> (int) IF_NAMETOINDEX.invokeExact(errno, ifname));
        }
    }
}

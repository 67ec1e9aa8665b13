package io.synguard.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sysctls set and put back, over a stand-in for /proc/sys; the window scale and MSS the cookie step offers. */
class SysctlsTest {
    @TempDir
    Path dir;

    private Path proc;
    private Path saved;

    @BeforeEach
    void procSys() throws IOException {
        proc = dir.resolve("sys");
        Files.createDirectories(proc.resolve("net/ipv4"));
        Files.createDirectories(proc.resolve("net/core"));
        write("net/ipv4/tcp_syncookies", "1\n");
        write("net/ipv4/tcp_timestamps", "1\n");
        write("net/ipv4/tcp_rmem", "4096\t131072\t33554432\n");
        write("net/core/rmem_max", "212992\n");
        saved = dir.resolve("state/sysctls.json");
        Files.createDirectories(saved.getParent());
    }

    private void write(String name, String value) throws IOException {
        Files.writeString(proc.resolve(name), value);
    }

    private String value(String name) throws IOException {
        return Files.readString(proc.resolve(name)).trim();
    }

    @Test
    void setsWhatDiffersAndPutsItBack() throws IOException {
        Sysctls s = new Sysctls(proc, saved);
        s.set(Map.of("net/ipv4/tcp_syncookies", "2", "net/ipv4/tcp_timestamps", "1"));
        assertEquals("2", value("net/ipv4/tcp_syncookies"));
        assertTrue(Files.exists(saved));
        s.restore();
        assertEquals("1", value("net/ipv4/tcp_syncookies"));
        assertEquals("1", value("net/ipv4/tcp_timestamps"));
        assertFalse(Files.exists(saved));
    }

    @Test
    void settingTwiceKeepsTheFirstOriginal() throws IOException {
        Sysctls s = new Sysctls(proc, saved);
        s.set(Map.of("net/ipv4/tcp_syncookies", "2"));
        s.set(Map.of("net/ipv4/tcp_syncookies", "0"));
        s.restore();
        assertEquals("1", value("net/ipv4/tcp_syncookies"));
    }

    @Test
    void aSuccessorPutsBackWhatAKilledDaemonSet() throws IOException {
        new Sysctls(proc, saved).set(Map.of("net/ipv4/tcp_syncookies", "2", "net/ipv4/tcp_timestamps", "2"));
        // killed here: nothing put back
        Sysctls next = new Sysctls(proc, saved);
        next.restore();
        assertEquals("1", value("net/ipv4/tcp_syncookies"));
        assertEquals("1", value("net/ipv4/tcp_timestamps"));
        next.set(Map.of("net/ipv4/tcp_syncookies", "2"));
        next.restore();
        assertEquals("1", value("net/ipv4/tcp_syncookies"));
    }

    @Test
    void restoringWithNothingSetChangesNothing() throws IOException {
        new Sysctls(proc, saved).restore();
        assertEquals("1", value("net/ipv4/tcp_syncookies"));
        assertFalse(Files.exists(saved));
    }

    @Test
    void readsWordsSeparatedByOneSpace() {
        assertEquals("4096 131072 33554432", new Sysctls(proc, saved).read("net/ipv4/tcp_rmem"));
    }

    @Test
    void theWindowScaleIsTheKernelsLog2OfTheLargestReceiveBufferLess15() throws IOException {
        Sysctls s = new Sysctls(proc, saved);
        assertEquals(10, Cookies.windowScale(s)); // 32 MiB: 2^25
        write("net/core/rmem_max", "134217728\n"); // 128 MiB beats tcp_rmem's
        assertEquals(12, Cookies.windowScale(s));
        write("net/ipv4/tcp_rmem", "4096 131072 6291455\n"); // just under 6 MiB: floor of log2 is 22
        write("net/core/rmem_max", "212992\n");
        assertEquals(7, Cookies.windowScale(s));
        write("net/ipv4/tcp_rmem", "4096 8192 16384\n");
        assertEquals(2, Cookies.windowScale(s)); // rmem_max 212992: 2^17
        write("net/core/rmem_max", "4096\n");
        assertEquals(0, Cookies.windowScale(s));
        write("net/core/rmem_max", "9223372036854775807\n");
        assertEquals(14, Cookies.windowScale(s));
    }

    @Test
    void theMssIsTheMtuLess40InsideTheStacksTables() {
        assertEquals(Math.clamp(65536 - 40, Cookies.MSS_MIN, Cookies.MSS_MAX), Cookies.mss("lo"));
        assertEquals(1460, Cookies.mss("no-such-interface"));
    }
}

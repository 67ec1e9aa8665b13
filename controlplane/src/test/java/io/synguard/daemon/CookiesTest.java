package io.synguard.daemon;

import io.synguard.bpf.NetNamespace;
import io.synguard.config.Settings;
import io.synguard.dataplane.CookieAck.CookieMethod;
import io.synguard.dataplane.Dataplane;
import io.synguard.dataplane.DataplaneConfig.CookieMode;
import io.synguard.host.NamespaceNetwork;
import io.synguard.metrics.Metrics;
import io.synguard.testing.BpfTest;
import io.synguard.testing.KernelWorld;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cookie step's control against the kernel, on a clock the test sets: the TC half attached and
 * pinned in a namespace of its own, the secret rotated every 60 s of that clock, the mode switched,
 * and all of it taken off by a close that detaches.
 */
@BpfTest
class CookiesTest {
    private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");

    @TempDir
    Path dir;

    @RegisterExtension
    final KernelWorld world = new KernelWorld();
    private Instant now = T0;
    private Dataplane dataplane;

    @BeforeEach
    void load() {
        dataplane = Dataplane.load(Dataplane.Options.defaults().withMaxRules(64).withRateSets(8));
    }

    @AfterEach
    void unload() {
        dataplane.close();
    }

    /** The step started on lo in a namespace of its own, over sysctls, with the method forced (null: probed). */
    private Cookies start(Sysctls sysctls, CookieMethod forced) {
        Metrics metrics = new Metrics(() -> null, kind -> Map.of());
        return NetNamespace.inside(NamespaceNetwork.path(world.net().namespace("cookies")),
                () -> Cookies.start(dataplane, "lo", world.bpffs().root(), sysctls, metrics, () -> now, forced));
    }

    @Test
    void rotatesTheSecretEverySixtySecondsOfItsClockAndSwitchesTheDataPlane() throws IOException {
        Cookies cookies = start(fakeSysctls("1"), null);
        try {
            assertEquals("kfunc", cookies.status().method());
            assertTrue(Files.exists(world.bpffs().root().resolve("cookie_ack_link")), "the TC half is pinned");
            assertEquals(CookieMode.OFF, dataplane.config().cookieMode());

            assertEquals("CookieKeys[current slot 0]", slotAfter(59, cookies, dataplane));
            assertEquals("CookieKeys[current slot 1]", slotAfter(60, cookies, dataplane));
            assertEquals("CookieKeys[current slot 1]", slotAfter(119, cookies, dataplane));
            assertEquals("CookieKeys[current slot 0]", slotAfter(120, cookies, dataplane));

            cookies.update(Settings.Cookies.ALWAYS, false);
            assertEquals(CookieMode.OWN, dataplane.config().cookieMode());
            assertTrue(cookies.status().active());
            assertEquals(now, cookies.status().since());
            cookies.update(Settings.Cookies.AUTO, false);
            assertEquals(CookieMode.OFF, dataplane.config().cookieMode());
            cookies.update(Settings.Cookies.AUTO, true);
            assertEquals(CookieMode.OWN, dataplane.config().cookieMode());
        } finally {
            cookies.close(true);
        }
        assertEquals(CookieMode.OFF, dataplane.config().cookieMode(), "a clean stop turns the step off");
        assertFalse(Files.exists(world.bpffs().root().resolve("cookie_ack_link")), "detached and unpinned");
    }

    @Test
    void whereXdpTxIsUnavailableStatusSaysSoTheKernelsCookiesAnswerInsteadAndTheStepReturnsWithIt() throws IOException {
        Sysctls sysctls = fakeSysctls("0");
        Cookies cookies = start(sysctls, CookieMethod.KERNEL);
        try {
            assertEquals("kernel", cookies.status().method(), "forced");
            assertFalse(Files.exists(world.bpffs().root().resolve("cookie_ack_link")), "no TC half for the kernel's cookies");

            Optional<String> noXdpTx = Optional.of("the driver of lo has no XDP_TX");
            AtomicReference<Optional<String>> probe = new AtomicReference<>(noXdpTx);
            cookies.watchXdpTx(probe::get);
            assertEquals("unavailable", cookies.status().method());
            cookies.update(Settings.Cookies.ALWAYS, false);
            assertEquals(CookieMode.OFF, dataplane.config().cookieMode(), "nothing answered from XDP");
            assertFalse(cookies.status().active());
            assertEquals("1", sysctls.read("net/ipv4/tcp_syncookies"), "the kernel's own cookies on in its place");
            cookies.update(Settings.Cookies.OFF, false);
            assertEquals("0", sysctls.read("net/ipv4/tcp_syncookies"), "and put back");

            cookies.update(Settings.Cookies.ALWAYS, false);
            probe.set(Optional.empty());
            cookies.update(Settings.Cookies.ALWAYS, false);
            assertEquals("kernel", cookies.status().method(), "the interface sends XDP_TX again (its veth peer took NAPI)");
            assertTrue(cookies.status().active());
            assertEquals(CookieMode.KERNEL, dataplane.config().cookieMode());
            assertEquals("2", sysctls.read("net/ipv4/tcp_syncookies"), "what the kernel's method needs");
            probe.set(noXdpTx);
            cookies.update(Settings.Cookies.ALWAYS, false);
            assertEquals("unavailable", cookies.status().method());
            assertEquals(CookieMode.OFF, dataplane.config().cookieMode());
            assertEquals("1", sysctls.read("net/ipv4/tcp_syncookies"), "back to the stack's own, never silence");
        } finally {
            cookies.close(true);
        }
        assertEquals("0", sysctls.read("net/ipv4/tcp_syncookies"), "put back on a stop");
    }

    private Sysctls fakeSysctls(String syncookies) throws IOException {
        Path proc = dir.resolve("sys");
        Files.createDirectories(proc.resolve("net/ipv4"));
        Files.createDirectories(proc.resolve("net/core"));
        Files.writeString(proc.resolve("net/ipv4/tcp_syncookies"), syncookies + "\n");
        Files.writeString(proc.resolve("net/ipv4/tcp_timestamps"), "1\n");
        Files.writeString(proc.resolve("net/ipv4/tcp_rmem"), "4096 131072 33554432\n");
        Files.writeString(proc.resolve("net/core/rmem_max"), "212992\n");
        return new Sysctls(proc, dir.resolve("sysctls.json"));
    }

    /** The secret's current slot after a rotation check at T0 plus seconds. */
    private String slotAfter(long seconds, Cookies cookies, Dataplane dataplane) {
        now = T0.plusSeconds(seconds);
        cookies.rotateIfDue();
        return dataplane.cookieKeys().toString();
    }
}

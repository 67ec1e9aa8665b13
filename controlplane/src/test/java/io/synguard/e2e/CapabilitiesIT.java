package io.synguard.e2e;

import io.synguard.host.HostCommand;
import io.synguard.testing.BpfTest;
import io.synguard.testing.DaemonProcess;
import io.synguard.testing.HttpInNamespace.Reply;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.synguard.e2e.ProtectedHost.LEGIT;
import static io.synguard.e2e.ProtectedHost.NEIGHBOUR_A;
import static io.synguard.e2e.ProtectedHost.SERVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The capabilities docs/operations.md, packaging/synguard.service and docker-compose.yml give the
 * daemon: it runs as root with CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON and nothing else (bounding
 * set, so also what uid 0 gets at exec), and each of the three is needed. The daemon runs under
 * setpriv, which execs it, so its pid's /proc status shows what it really had.
 */
@BpfTest
class CapabilitiesIT extends OnProtectedHost {
    /** The bits of CAP_NET_ADMIN (12), CAP_PERFMON (38) and CAP_BPF (39). */
    private static final long THE_THREE = 1L << 12 | 1L << 38 | 1L << 39;
    private static final List<String> CAPS = List.of("bpf", "net_admin", "perfmon");

    @Test
    void bpfNetAdminAndPerfmonAreEnoughToAttachServeBlockTakeOverAfterACrashAndDetach() {
        DaemonProcess first = host.awaitApi(host.launchWrapped(only(CAPS), ProtectedHost.IFACE));
        assertEquals(THE_THREE, effectiveCapabilities(first.pid()), "the daemon ran with exactly the three");
        assertEquals("native", host.api.get("/v1/status").json().get("attach_mode").asText());

        Reply added = host.api.post("/v1/blocks", "{\"prefix\":\"198.18.1.0/24\"}");
        assertEquals(201, added.status(), added.toString());
        assertFalse(host.connects(NEIGHBOUR_A, SERVER), "the block holds");
        assertTrue(host.connects(LEGIT, SERVER), "and only for its prefix");

        first.kill();
        DaemonProcess second = host.awaitApi(host.launchWrapped(only(CAPS), ProtectedHost.IFACE));
        assertTrue(second.output().contains("took over the attachment on sgd0"), second.output());
        assertEquals(1, host.api.get("/v1/blocks").json().size());
        assertFalse(host.connects(NEIGHBOUR_A, SERVER), "still blocked after the restart");

        second.kill();
        List<String> detach = new ArrayList<>(List.of("nsenter", "--net=" + host.srv));
        detach.addAll(only(CAPS));
        detach.addAll(List.of(DaemonProcess.javaHome().resolve("bin/java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", DaemonProcess.jar().toString(),
                "detach", "--iface", ProtectedHost.IFACE, "--pin-dir", host.pinDir().toString()));
        assertTrue(HostCommand.run(detach.toArray(String[]::new)).contains("program detached"));
        assertEquals("", host.xdpPrograms(), "detach, with the same three, took the program off");
        assertTrue(host.connects(NEIGHBOUR_A, SERVER));
    }

    @ParameterizedTest(name = "without CAP_{0}")
    @ValueSource(strings = {"bpf", "net_admin", "perfmon"})
    void eachOfTheThreeIsNeeded(String missing) {
        List<String> fewer = CAPS.stream().filter(c -> !c.equals(missing)).toList();
        DaemonProcess daemon = host.launchWrapped(only(fewer), ProtectedHost.IFACE);
        assertNotEquals(0, daemon.awaitExit(Duration.ofSeconds(60)), daemon.output());
        assertTrue(daemon.output().contains("bpf_object__load(synguard) failed"),
                "the kernel refuses to load the program:\n" + daemon.output());
    }

    /**
     * The container image's entrypoint and launcher (packaging/image), run here as Docker would run
     * them with docker-compose.yml's settings: the three capabilities, the host's bpffs mounted at
     * SYNGUARD_BPFFS, the token from a file. What this cannot show is Docker's own part: its seccomp
     * and AppArmor profiles, and the mounts.
     */
    @Test
    void theImageEntrypointRunsTheDaemonWithTheThree() throws IOException {
        Path image = repository().resolve("packaging/image");
        Path token = host.stateDir().resolve("token");
        Files.writeString(token, "a".repeat(64) + "\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> environment = Map.of(
                "SYNGUARD_IFACE", ProtectedHost.IFACE,
                "SYNGUARD_BPFFS", host.bpffsRoot().toString(),
                "SYNGUARD_STATE_DIR", host.stateDir().toString(),
                "SYNGUARD_TOKEN_FILE", token.toString(),
                "SYNGUARD_LOG_FORMAT", "json",
                "SYNGUARD_JAR", DaemonProcess.jar().toString(),
                "JAVA_HOME", DaemonProcess.javaHome().toString(),
                "PATH", image + ":" + System.getenv("PATH"));
        List<String> command = new ArrayList<>(only(CAPS));
        command.add(image.resolve("entrypoint").toString());
        DaemonProcess daemon = host.awaitApi(host.adopt(
                DaemonProcess.exec(host.srv, host.stateDir(), command, environment)));

        assertEquals(THE_THREE, effectiveCapabilities(daemon.pid()));
        assertTrue(daemon.output().contains("\"message\":\"synguard is protecting {} ({} mode, {}); API on"),
                "JSON logs:\n" + daemon.output());
        assertFalse(daemon.output().contains("readable by others"), daemon.output());
        assertTrue(Files.exists(host.bpffsRoot().resolve("synguard/sgd0/link")), "pinned where the host looks");
        assertEquals(201, host.api.post("/v1/blocks", "{\"prefix\":\"198.18.1.0/24\"}").status());
        assertFalse(host.connects(NEIGHBOUR_A, SERVER));
    }

    /** setpriv leaving uid 0 with only these capabilities, in every set, then exec'ing the rest. */
    private static List<String> only(List<String> caps) {
        StringBuilder bounding = new StringBuilder("-all");
        caps.forEach(c -> bounding.append(",+").append(c));
        return List.of("setpriv", "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=" + bounding, "--");
    }

    private static long effectiveCapabilities(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(line.substring(7).strip(), 16);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no CapEff in /proc/" + pid + "/status");
    }

    private static Path repository() {
        return Path.of("").toAbsolutePath().getParent();
    }
}

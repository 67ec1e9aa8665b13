package io.synguard.packaging;

import io.synguard.testing.RequiredTool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The files an operator deploys synguard with: docker-compose.yml is valid Compose, the systemd
 * unit passes systemd-analyze, and the Dockerfile's build context holds what it copies. (No Docker
 * engine runs here, so the image itself is not built; CapabilitiesIT runs its entrypoint.) The
 * tools come from './synguard setup'; without them these tests skip, and fail under CI=true.
 */
class DeploymentFilesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final String SETUP = "'./synguard setup' installs it";

    record Result(int exit, String output) {}

    @Test
    void theComposeFileValidatesWithAnInterface() {
        Result config = compose(Map.of("SYNGUARD_IFACE", "eth0"), "config");
        assertEquals(0, config.exit, config.output);
        String out = config.output;
        assertTrue(out.contains("network_mode: host"), out);
        for (String cap : List.of("BPF", "NET_ADMIN", "PERFMON", "ALL")) {
            assertTrue(out.contains("- " + cap + "\n"), cap + " in cap_add or cap_drop:\n" + out);
        }
        assertFalse(out.contains("SYS_ADMIN"), out);
        assertTrue(out.contains("SYNGUARD_IFACE: eth0"), out);
        assertTrue(out.contains("/sys/fs/bpf") && out.contains("/run/synguard/bpffs"), "the host's bpffs:\n" + out);
        assertTrue(out.contains("/healthz"), out);
        assertTrue(out.contains("synguard_token"), out);
    }

    @Test
    void theComposeFileWillNotStartWithoutAnInterface() {
        Result config = compose(Map.of(), "config");
        assertNotEquals(0, config.exit, config.output);
        assertTrue(config.output.contains("set SYNGUARD_IFACE to the interface to protect"), config.output);
    }

    @Test
    void theImageAndTheComposeFileAgreeOnWhereTheHostsBpffsIs() throws IOException {
        assertTrue(Files.readString(ROOT.resolve("Dockerfile")).contains("SYNGUARD_BPFFS=/run/synguard/bpffs"));
        assertTrue(Files.readString(ROOT.resolve("packaging/image/entrypoint"))
                .contains("${SYNGUARD_BPFFS:-/run/synguard/bpffs}"));
        assertTrue(Files.readString(ROOT.resolve("docker-compose.yml")).contains("/sys/fs/bpf:/run/synguard/bpffs"));
    }

    @Test
    void everyFileTheDockerfileCopiesIsInTheBuildContext() throws IOException {
        List<PathMatcher> ignored = new ArrayList<>();
        for (String line : Files.readAllLines(ROOT.resolve(".dockerignore"))) {
            String pattern = line.strip();
            if (!pattern.isEmpty() && !pattern.startsWith("#")) {
                ignored.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern.replaceAll("/+$", "")));
            }
        }
        List<String> sources = new ArrayList<>();
        for (String instruction : Files.readString(ROOT.resolve("Dockerfile")).replace("\\\n", " ").split("\n")) {
            List<String> words = List.of(instruction.strip().split("\\s+"));
            if (words.getFirst().equals("COPY") && words.stream().noneMatch(w -> w.startsWith("--from="))) {
                sources.addAll(words.subList(1, words.size() - 1).stream().filter(w -> !w.startsWith("--")).toList());
            }
        }
        assertTrue(sources.contains("controlplane") && sources.contains("dataplane-bpf"), sources.toString());
        for (String source : sources) {
            assertTrue(Files.exists(ROOT.resolve(source)), source + " is missing");
            for (Path p = Path.of(source); p != null; p = p.getParent()) {
                for (PathMatcher m : ignored) {
                    assertFalse(m.matches(p), source + " is excluded by .dockerignore");
                }
            }
        }
    }

    @Test
    void theImageEntrypointSaysWhatIsMissing(@TempDir Path notABpffs) {
        Path entrypoint = ROOT.resolve("packaging/image/entrypoint");
        Result noInterface = run(List.of(entrypoint.toString()), Map.of());
        assertEquals(1, noInterface.exit, noInterface.output);
        assertTrue(noInterface.output.contains("set SYNGUARD_IFACE to the interface to protect"), noInterface.output);

        Result noBpffs = run(List.of(entrypoint.toString()),
                Map.of("SYNGUARD_IFACE", "eth0", "SYNGUARD_BPFFS", notABpffs.toString()));
        assertEquals(1, noBpffs.exit, noBpffs.output);
        assertTrue(noBpffs.output.contains("no BPF filesystem is mounted at " + notABpffs
                + ": mount the host's there (-v /sys/fs/bpf:" + notABpffs + ")"), noBpffs.output);
    }

    /** ExecStart names /opt/synguard/synguard; this checkout's launcher stands in for it. */
    @Test
    void theSystemdUnitVerifiesClean(@TempDir Path dir) throws IOException {
        Path analyze = RequiredTool.require("systemd-analyze", SETUP);
        Path unit = installedUnit(dir);
        Result verify = run(List.of(analyze.toString(), "verify", unit.toString()), Map.of());
        assertEquals(0, verify.exit, verify.output);
        assertEquals("", verify.output.strip(), "warnings are not failures to systemd-analyze, but are to us");
    }

    @Test
    void theSystemdUnitKeepsItsExposureLow(@TempDir Path dir) throws IOException {
        Path analyze = RequiredTool.require("systemd-analyze", SETUP);
        Path unit = installedUnit(dir);
        // the overall exposure, 0 (safe) to 10, in tenths: 3.6 when written
        Result security = run(List.of(analyze.toString(), "security", "--offline=true", "--threshold=40",
                "--no-pager", unit.toString()), Map.of());
        assertEquals(0, security.exit, security.output);
        for (String line : List.of("CapabilityBoundingSet=~CAP_SYS_ADMIN", "ProtectSystem=",
                "CapabilityBoundingSet=~CAP_(DAC_*|FOWNER|IPC_OWNER)")) {
            assertTrue(security.output.lines().anyMatch(l -> l.contains(line) && l.startsWith("✓")),
                    line + " is not met:\n" + security.output);
        }
    }

    private static Path installedUnit(Path dir) throws IOException {
        String text = Files.readString(ROOT.resolve("packaging/synguard.service"));
        assertTrue(text.contains("ExecStart=/opt/synguard/synguard run"), text);
        Path unit = dir.resolve("synguard.service");
        Files.writeString(unit, text.replace("/opt/synguard/synguard", ROOT.resolve("synguard").toString()));
        return unit;
    }

    /** docker-compose (Debian's, which setup installs) or else the Compose plugin of docker. */
    private static Result compose(Map<String, String> environment, String... arguments) {
        List<String> command = new ArrayList<>();
        if (RequiredTool.find("docker-compose").isPresent()) {
            command.add("docker-compose");
        } else if (RequiredTool.find("docker").isPresent()
                && run(List.of("docker", "compose", "version"), Map.of()).exit == 0) {
            command.addAll(List.of("docker", "compose"));
        } else {
            command.add(RequiredTool.require("docker-compose", SETUP).toString());
        }
        command.addAll(List.of("--project-directory", ROOT.toString(), "-f", ROOT.resolve("docker-compose.yml").toString()));
        command.addAll(List.of(arguments));
        return run(command, environment);
    }

    /**
     * Runs command in the checkout with environment, and none of the SYNGUARD_ or COMPOSE_ variables
     * this JVM may have; its exit code and output.
     */
    private static Result run(List<String> command, Map<String, String> environment) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("SYNGUARD_") || k.startsWith("COMPOSE_"));
        builder.environment().putAll(environment);
        try {
            Process p = builder.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

package io.synguard.bpf;

import io.synguard.testing.RequiredTool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI (Main in a child JVM) on a host whose libbpf is missing or too old, as
 * {@value Libbpf#PATH_PROPERTY} makes it: a command that needs libbpf prints one sentence that says
 * what to install, no stack trace, and exits 1; one that does not need it runs as ever. Needs no root:
 * it fails before anything reaches the kernel.
 */
class LibbpfUnusableTest {
    private static final String INSTALL = ": install libbpf 1.1 or newer ('apt-get install libbpf1', or './synguard setup')";

    @TempDir
    private Path dir;

    @Test
    void aMissingLibbpfIsOneSentence() throws Exception {
        Result r = synguard("/no/such/dir/libbpf.so.1", "check");
        assertEquals(1, r.exit, r.toString());
        assertEquals(List.of("synguard: /no/such/dir/libbpf.so.1 not found" + INSTALL), r.stderr);
    }

    @Test
    void theDaemonAndTheDemoSayItBeforeTheyMakeAnything() throws Exception {
        Path state = dir.resolve("state");
        for (String[] command : List.of(new String[]{"run", "--iface", "sgt-none0", "--state-dir", state.toString()},
                new String[]{"demo", "--duration", "15s"})) {
            Result r = synguard("/no/such/dir/libbpf.so.1", command);
            assertEquals(1, r.exit, r.toString());
            assertEquals(List.of("synguard: /no/such/dir/libbpf.so.1 not found" + INSTALL), r.stderr);
            assertEquals("", r.stdout, command[0] + " printed what it began");
        }
        assertFalse(Files.exists(state), "the daemon made its state directory");
    }

    @Test
    void aLibraryWithoutLibbpfsVersionIsNotLibbpf() throws Exception {
        Result r = synguard("libc.so.6", "check");
        assertEquals(1, r.exit, r.toString());
        assertEquals(List.of("synguard: libc.so.6 is not libbpf 1.1 or newer (it has no libbpf_major_version)" + INSTALL),
                r.stderr);
    }

    @Test
    void aLibbpfOlderThanOnePointOneIsTooOld() throws Exception {
        Path source = Files.writeString(dir.resolve("old.c"),
                "unsigned int libbpf_major_version(void) { return 0; }\n"
                        + "unsigned int libbpf_minor_version(void) { return 5; }\n");
        Path old = dir.resolve("libbpf-0.5.so");
        Result cc = run(List.of(RequiredTool.require("clang", "'./synguard setup' installs it").toString(),
                "-shared", "-fPIC", "-o", old.toString(), source.toString()));
        assertEquals(0, cc.exit, cc.toString());
        Result r = synguard(old.toString(), "check");
        assertEquals(1, r.exit, r.toString());
        assertEquals(List.of("synguard: libbpf 0.5 (" + old + ") is too old" + INSTALL), r.stderr);
    }

    @Test
    void commandsThatDoNotNeedLibbpfStillRun() throws Exception {
        Result help = synguard("/no/such/dir/libbpf.so.1", "--help");
        assertEquals(0, help.exit, help.toString());
        assertTrue(help.stdout.contains("Usage: synguard"), help.toString());
        Result status = synguard("/no/such/dir/libbpf.so.1", "status", "--listen", "127.0.0.1:1",
                "--token-file", dir.resolve("token").toString());
        assertFalse(status.toString().contains("libbpf"), status.toString());
    }

    private Result synguard(String libbpf, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-D" + Libbpf.PATH_PROPERTY + "=" + libbpf,
                "-cp", System.getProperty("java.class.path"), "io.synguard.cli.Main"));
        command.addAll(List.of(arguments));
        return run(command);
    }

    private Result run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", "");
        Path err = Files.createTempFile(dir, "err", "");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + ": timed out");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readAllLines(err));
    }

    private record Result(int exit, String stdout, List<String> stderr) {}
}

package io.synguard.cli;

import io.synguard.bpf.BpfProgram;
import io.synguard.bpf.Cpus;
import io.synguard.bpf.Libbpf;
import io.synguard.bpf.TestRun;
import io.synguard.dataplane.Dataplane;
import io.synguard.dataplane.DataplaneConfig;
import io.synguard.net.Prefix;
import io.synguard.packet.FrameBuilder;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import static io.synguard.bpf.BpfProgram.XDP_DROP;
import static io.synguard.bpf.BpfProgram.XDP_PASS;

/**
 * Whether this host can run synguard: the environment, the XDP program through the verifier, and
 * real frames through the program in the kernel. Attaches nothing and pins nothing.
 */
@Command(name = "check", description = "Check that this host can run synguard: loads the XDP program and "
        + "runs test frames through it in the kernel. Attaches nothing.")
final class CheckCommand implements Callable<Integer> {
    private static final int SPEED_RUNS = 1_000_000;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("synguard check");
        line(out, "kernel", System.getProperty("os.version"));
        line(out, "JDK", Runtime.version().toString());
        line(out, "libbpf", Libbpf.version());
        line(out, "CPUs", Cpus.possible() + " possible");
        line(out, "BTF", Files.exists(Path.of("/sys/kernel/btf/vmlinux")) ? "present" : "absent (not needed)");
        line(out, "bpffs", bpffsMounted() ? "mounted at /sys/fs/bpf"
                : "not mounted at /sys/fs/bpf: 'synguard run' mounts it");
        int failed = 0;
        try (Dataplane dp = Dataplane.load(Dataplane.Options.defaults().withMaxRules(1024).withRateSets(16))) {
            line(out, "XDP program", "loaded; the verifier accepted it");
            List<Probe> probes = probes();
            for (Probe p : probes) {
                p.setup.accept(dp);
                int verdict = dp.program().testRun(TestRun.once(p.frame)).retval();
                boolean ok = verdict == p.expected;
                failed += ok ? 0 : 1;
                out.printf("    %-44s %-5s %s%n", p.name, verdict == XDP_DROP ? "DROP" : verdict == XDP_PASS ? "PASS" : verdict,
                        ok ? "ok" : "WRONG, expected " + (p.expected == XDP_DROP ? "DROP" : "PASS"));
            }
            line(out, "self-test", (probes.size() - failed) + "/" + probes.size() + " verdicts as expected");
            line(out, "speed", speed(dp));
        }
        out.println(failed == 0 ? "synguard can run on this host." : "synguard is NOT working on this host.");
        return failed == 0 ? 0 : 1;
    }

    private static List<Probe> probes() {
        String dut = "198.18.0.1";
        return List.of(
                new Probe("legitimate IPv4 SYN", syn("198.18.1.1", dut), dp -> {}, XDP_PASS),
                new Probe("legitimate IPv6 SYN", syn("2001:2::10", "2001:2::1"), dp -> {}, XDP_PASS),
                new Probe("SYN from a blocked /24", syn("198.18.2.9", dut),
                        dp -> dp.blocklist().put(Prefix.parse("198.18.2.0/24"), false, null), XDP_DROP),
                new Probe("SYN from a blocked IPv6 /64", syn("2001:2:0:2::9", "2001:2::1"),
                        dp -> dp.blocklist().put(Prefix.parse("2001:2:0:2::/64"), false, null), XDP_DROP),
                new Probe("allowed host inside the blocked /24", syn("198.18.2.10", dut),
                        dp -> dp.allowlist().put(Prefix.parse("198.18.2.10"), false, null), XDP_PASS),
                new Probe("blocked SYN behind two VLAN tags", FrameBuilder.tcp("198.18.2.9", dut)
                        .vlan(FrameBuilder.TPID_8021AD, 1).vlan(FrameBuilder.TPID_8021Q, 2).build(), dp -> {}, XDP_DROP),
                new Probe("blocked source's SYN-ACK (not a new connection)", FrameBuilder.tcp("198.18.2.9", dut)
                        .flags(FrameBuilder.SYN | FrameBuilder.ACK).build(), dp -> {}, XDP_PASS),
                new Probe("blocked SYN in monitor mode", syn("198.18.2.9", dut),
                        dp -> dp.config().setMode(DataplaneConfig.Mode.MONITOR), XDP_PASS));
    }

    private static String speed(Dataplane dp) {
        dp.config().setMode(DataplaneConfig.Mode.ENFORCE);
        BpfProgram program = dp.program();
        long legit = program.testRun(TestRun.repeated(syn("198.18.1.1", "198.18.0.1"), SPEED_RUNS)).durationNs();
        long blocked = program.testRun(TestRun.repeated(syn("198.18.2.9", "198.18.0.1"), SPEED_RUNS)).durationNs();
        return "legitimate SYN " + legit + " ns, blocked SYN " + blocked + " ns a packet (kernel test run, "
                + String.format("%,d", SPEED_RUNS) + " runs each)";
    }

    private static byte[] syn(String src, String dst) {
        return FrameBuilder.tcp(src, dst).build();
    }

    private static boolean bpffsMounted() {
        try {
            return Files.readAllLines(Path.of("/proc/mounts")).stream()
                    .map(l -> l.split(" "))
                    .anyMatch(f -> f.length > 2 && f[1].equals("/sys/fs/bpf") && f[2].equals("bpf"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void line(PrintWriter out, String what, String value) {
        out.printf("  %-12s %s%n", what, value);
    }

    private record Probe(String name, byte[] frame, Consumer<Dataplane> setup, int expected) {}
}

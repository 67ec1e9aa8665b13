package io.synguard.bench;

import io.synguard.bpf.BpfObject;
import io.synguard.bpf.BpfProgram;
import io.synguard.bpf.Cpus;
import io.synguard.bpf.TestRun;
import io.synguard.dataplane.Counters;
import io.synguard.dataplane.Dataplane;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Nanoseconds a packet through the XDP program, in the kernel: each invocation is one
 * BPF_PROG_TEST_RUN that runs the program {@link #REPEAT} times over the scenario's frame. The
 * reference programs, measured in the same run, are what every ratio is taken against.
 */
public class DataplaneBench extends NanosBench {
    public static final int REPEAT = 1_000_000;
    static final String OBJECT = "/io/synguard/bench/bench.bpf.o";

    @Param({"xdp_drop", "parse_drop", "pool-drop", "one_miss", "legit-syn", "non-syn", "block-10-hot", "block-10k-hot", "block-1m-hot",
            "block-10-rotate", "block-10k-rotate", "block-1m-rotate", "lpm-10-hot", "lpm-10k-hot", "lpm-1m-hot",
            "lpm-10-rotate", "lpm-10k-rotate", "lpm-1m-rotate", "ratelimit-one", "ratelimit-botnet",
            "ratelimit-spoof", "ipv6-block-hot"})
    public String scenario;

    private Dataplane dataplane;
    private BpfProgram program;
    private TestRun run;

    @Setup(Level.Trial)
    public void setUp() {
        Cpus.pinCurrentThread(Cpus.possible() - 1);
        Scenario s = Scenario.of(scenario);
        dataplane = Dataplane.load(objectBytes(), s.program, Dataplane.Options.defaults());
        program = dataplane.program(s.program);
        byte[] frame = s.prepare(dataplane);
        run = TestRun.repeated(frame, REPEAT);
        Counters.Snapshot before = dataplane.counters().read();
        TestRun.Result warm = program.testRun(run); // also warms tables and buckets
        String wrong = s.misbehaviour(warm, dataplane.counters().read().since(before));
        if (wrong != null) {
            throw new IllegalStateException(scenario + ": " + wrong);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dataplane.close();
    }

    @Benchmark
    @OperationsPerInvocation(REPEAT)
    public int packet() {
        return program.testRun(run).retval();
    }

    static byte[] objectBytes() {
        return BpfObject.elf(DataplaneBench.class, OBJECT);
    }
}

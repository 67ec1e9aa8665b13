package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** A loaded program by its fd, which the {@link BpfObject} it came from owns. */
public record BpfProgram(String name, int fd) {
    /** {@code int bpf_prog_test_run_opts(int prog_fd, struct bpf_test_run_opts *opts);} */
    private static final MethodHandle TEST_RUN =
            Native.libbpf("bpf_prog_test_run_opts", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    public static final int XDP_ABORTED = 0;
    public static final int XDP_DROP = 1;
    public static final int XDP_PASS = 2;
    public static final int XDP_TX = 3;
    public static final int XDP_REDIRECT = 4;

    private static final long DATA_IN = opt("data_in");
    private static final long DATA_OUT = opt("data_out");
    private static final long DATA_SIZE_IN = opt("data_size_in");
    private static final long DATA_SIZE_OUT = opt("data_size_out");
    private static final long CTX_IN = opt("ctx_in");
    private static final long CTX_SIZE_IN = opt("ctx_size_in");
    private static final long RETVAL = opt("retval");
    private static final long REPEAT = opt("repeat");
    private static final long DURATION = opt("duration");
    private static final long FLAGS = opt("flags");
    private static final long BATCH_SIZE = opt("batch_size");
    private static final long CTX_DATA_END = Structs.offset(Structs.XDP_MD, "data_end");
    private static final long CTX_INGRESS_IFINDEX = Structs.offset(Structs.XDP_MD, "ingress_ifindex");
    /** {@code BPF_F_TEST_XDP_LIVE_FRAMES}. */
    static final int TEST_XDP_LIVE_FRAMES = 1 << 1;
    /** Room for a frame the program grows (bpf_xdp_adjust_head/tail). */
    private static final int OUTPUT_SLACK = 256;

    /** The kernel's id for this program. */
    public int id() {
        try (Arena arena = Arena.ofConfined()) {
            return Structs.u32(Fd.info(fd, arena, Structs.PROG_INFO, "program " + name), Structs.PROG_INFO, "id");
        }
    }

    /** Runs the program in the kernel over run's frame: {@code BPF_PROG_TEST_RUN}. */
    public TestRun.Result testRun(TestRun run) {
        try (Arena arena = Arena.ofConfined()) {
            byte[] frame = run.frame();
            MemorySegment in = arena.allocateFrom(JAVA_BYTE, frame);
            MemorySegment out = run.captureOutput() ? arena.allocate(frame.length + OUTPUT_SLACK) : MemorySegment.NULL;
            MemorySegment opts = Structs.opts(arena, Structs.TEST_RUN_OPTS);
            opts.set(ADDRESS, DATA_IN, in);
            opts.set(JAVA_INT, DATA_SIZE_IN, frame.length);
            opts.set(ADDRESS, DATA_OUT, out);
            opts.set(JAVA_INT, DATA_SIZE_OUT, (int) out.byteSize());
            opts.set(JAVA_INT, REPEAT, run.repeat());
            if (run.liveFrames()) {
                opts.set(JAVA_INT, FLAGS, TEST_XDP_LIVE_FRAMES);
                opts.set(JAVA_INT, BATCH_SIZE, run.batchSize());
            }
            if (run.ingressIfindex() != 0) {
                MemorySegment ctx = arena.allocate(Structs.XDP_MD);
                ctx.set(JAVA_INT, CTX_DATA_END, frame.length);
                ctx.set(JAVA_INT, CTX_INGRESS_IFINDEX, run.ingressIfindex());
                opts.set(ADDRESS, CTX_IN, ctx);
                opts.set(JAVA_INT, CTX_SIZE_IN, (int) ctx.byteSize());
            }
            int rc = Native.call(() -> (int) TEST_RUN.invokeExact(fd, opts));
            BpfException.check(rc, "bpf_prog_test_run_opts(" + name + ")",
                    frame.length + "-byte frame, repeat " + run.repeat());
            byte[] output = run.captureOutput()
                    ? out.asSlice(0, opts.get(JAVA_INT, DATA_SIZE_OUT)).toArray(JAVA_BYTE)
                    : new byte[0];
            return new TestRun.Result(opts.get(JAVA_INT, RETVAL), Integer.toUnsignedLong(opts.get(JAVA_INT, DURATION)),
                    output);
        }
    }

    @Override
    public String toString() {
        return "BpfProgram[" + name + " fd=" + fd + "]";
    }

    private static long opt(String member) {
        return Structs.offset(Structs.TEST_RUN_OPTS, member);
    }
}

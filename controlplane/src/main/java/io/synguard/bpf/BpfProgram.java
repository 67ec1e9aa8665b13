package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** A loaded program by its fd, which the {@link BpfObject} it came from owns. */
public final class BpfProgram {
    /** {@code int bpf_prog_test_run_opts(int prog_fd, struct bpf_test_run_opts *opts);} */
    private static final MethodHandle TEST_RUN =
            Native.libbpf("bpf_prog_test_run_opts", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    public static final int XDP_ABORTED = 0;
    public static final int XDP_DROP = 1;
    public static final int XDP_PASS = 2;
    public static final int XDP_TX = 3;
    public static final int XDP_REDIRECT = 4;

    /** struct bpf_test_run_opts (libbpf 1.1). */
    private static final long OPTS_SIZE = 80;
    private static final long DATA_IN = 8;
    private static final long DATA_OUT = 16;
    private static final long DATA_SIZE_IN = 24;
    private static final long DATA_SIZE_OUT = 28;
    private static final long CTX_IN = 32;
    private static final long CTX_SIZE_IN = 48;
    private static final long RETVAL = 56;
    private static final long REPEAT = 60;
    private static final long DURATION = 64;
    private static final long FLAGS = 68;
    private static final long BATCH_SIZE = 76;
    /** struct xdp_md: data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex. */
    private static final long XDP_MD_SIZE = 24;
    private static final int TEST_XDP_LIVE_FRAMES = 1 << 1;
    /** Room for a frame the program grows (bpf_xdp_adjust_head/tail). */
    private static final int OUTPUT_SLACK = 256;

    private final String name;
    private final int fd;

    BpfProgram(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    public String name() {
        return name;
    }

    public int fd() {
        return fd;
    }

    /** The kernel's id for this program. */
    public int id() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(232, 8);
            Fd.info(fd, info, "program " + name);
            return info.get(JAVA_INT, 4);
        }
    }

    /** Runs the program in the kernel over run's frame: {@code BPF_PROG_TEST_RUN}. */
    public TestRun.Result testRun(TestRun run) {
        try (Arena arena = Arena.ofConfined()) {
            byte[] frame = run.frame();
            MemorySegment in = arena.allocateFrom(JAVA_BYTE, frame);
            MemorySegment out = run.captureOutput() ? arena.allocate(frame.length + OUTPUT_SLACK) : MemorySegment.NULL;
            MemorySegment opts = arena.allocate(OPTS_SIZE, 8);
            opts.set(JAVA_LONG, 0, OPTS_SIZE);
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
                MemorySegment ctx = arena.allocate(XDP_MD_SIZE, 4);
                ctx.set(JAVA_INT, 4, frame.length);
                ctx.set(JAVA_INT, 12, run.ingressIfindex());
                opts.set(ADDRESS, CTX_IN, ctx);
                opts.set(JAVA_INT, CTX_SIZE_IN, (int) XDP_MD_SIZE);
            }
            int rc = (int) TEST_RUN.invokeExact(fd, opts);
            BpfException.check(rc, "bpf_prog_test_run_opts(" + name + ")",
                    frame.length + "-byte frame, repeat " + run.repeat());
            byte[] output = run.captureOutput()
                    ? out.asSlice(0, opts.get(JAVA_INT, DATA_SIZE_OUT)).toArray(JAVA_BYTE)
                    : new byte[0];
            return new TestRun.Result(opts.get(JAVA_INT, RETVAL), Integer.toUnsignedLong(opts.get(JAVA_INT, DURATION)),
                    output);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.unexpected(t);
        }
    }

    @Override
    public String toString() {
        return "BpfProgram[" + name + " fd=" + fd + "]";
    }
}

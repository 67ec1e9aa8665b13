package io.synguard.bpf;

/**
 * One {@code BPF_PROG_TEST_RUN} of an XDP program over a frame.
 *
 * @param frame          the frame, from its Ethernet header on
 * @param repeat         how many times the kernel runs the program on it (>= 1)
 * @param captureOutput  whether to return the frame as the program left it
 * @param liveFrames     {@code BPF_F_TEST_XDP_LIVE_FRAMES}: frames really go out on XDP_TX/REDIRECT
 * @param batchSize      frames per batch in live mode (0: the kernel's default)
 * @param ingressIfindex the interface the frame seems to arrive on (0: none)
 */
public record TestRun(byte[] frame, int repeat, boolean captureOutput, boolean liveFrames, int batchSize,
                      int ingressIfindex) {

    public TestRun {
        if (repeat < 1) {
            throw new IllegalArgumentException("repeat must be >= 1, was " + repeat);
        }
        if (frame.length == 0) {
            throw new IllegalArgumentException("empty frame");
        }
    }

    /** Runs the frame once and returns it as the program left it. */
    public static TestRun once(byte[] frame) {
        return new TestRun(frame, 1, true, false, 0, 0);
    }

    /** Runs the frame repeat times, for the kernel's mean time per run. */
    public static TestRun repeated(byte[] frame, int repeat) {
        return new TestRun(frame, repeat, false, false, 0, 0);
    }

    /** Sends repeat copies of frame out of ifindex through the program's XDP_TX, batch by batch. */
    public static TestRun live(byte[] frame, int repeat, int ifindex, int batchSize) {
        return new TestRun(frame, repeat, false, true, batchSize, ifindex);
    }

    /**
     * What came back.
     *
     * @param retval     the program's return value (an XDP action)
     * @param durationNs the kernel's mean time per run
     * @param output     the frame afterwards, when captured; otherwise empty
     */
    public record Result(int retval, long durationNs, byte[] output) {}
}

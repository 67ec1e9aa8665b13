package io.synguard.bpf;

import io.synguard.packet.FrameBuilder;
import io.synguard.testing.BpfTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BPF_PROG_TEST_RUN through the binding, and what the kernel says to bad input. */
@BpfTest
class BpfProgramTest {
    @RegisterExtension
    static final SmallDataplane dataplane = new SmallDataplane();

    @Test
    void aRunReturnsTheVerdictAndTheFrameAsLeft() {
        byte[] frame = FrameBuilder.tcp("198.18.0.2", "198.18.0.1").build();
        TestRun.Result r = dataplane.program().testRun(TestRun.once(frame));
        assertEquals(BpfProgram.XDP_PASS, r.retval());
        assertArrayEquals(frame, r.output());
    }

    @Test
    void repeatedRunsReportTheKernelsMeanTime() {
        TestRun.Result r = dataplane.program().testRun(
                TestRun.repeated(FrameBuilder.tcp("198.18.0.2", "198.18.0.1").build(), 100_000));
        assertTrue(r.durationNs() > 0 && r.durationNs() < 100_000, "ns per run: " + r.durationNs());
        assertEquals(0, r.output().length);
    }

    @Test
    void aFrameShorterThanEthernetIsRefusedWithEinval() {
        BpfException e = assertThrows(BpfException.class,
                () -> dataplane.program().testRun(TestRun.once(new byte[10])));
        assertEquals(Errno.EINVAL.number(), e.errno());
        assertTrue(e.getMessage().contains("10-byte frame"), e.getMessage());
    }

    @Test
    void aFrameBeyondWhatAnXdpBufferTakesIsRefused() {
        BpfException e = assertThrows(BpfException.class,
                () -> dataplane.program().testRun(TestRun.once(new byte[128 * 1024])));
        // more than MAX_SKB_FRAGS pages: 6.x kernels say ENOMEM, older ones EINVAL or E2BIG
        assertTrue(e.errno() == Errno.ENOMEM.number() || e.errno() == Errno.EINVAL.number() || e.errno() == Errno.E2BIG.number(), e.getMessage());
        assertTrue(e.getMessage().contains("131072-byte frame"), e.getMessage());
    }

    @Test
    void runsNeedAFrameAndARepeat() {
        assertThrows(IllegalArgumentException.class, () -> TestRun.repeated(new byte[60], 0));
        assertThrows(IllegalArgumentException.class, () -> TestRun.once(new byte[0]));
    }

    @Test
    void theProgramHasAnId() {
        assertTrue(dataplane.program().id() > 0);
    }
}

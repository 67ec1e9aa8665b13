package io.synguard.dataplane;

import io.synguard.bpf.BpfProgram;
import io.synguard.bpf.Cpus;
import io.synguard.bpf.TestRun;
import io.synguard.packet.FrameBuilder;
import io.synguard.testing.BpfTest;

import java.net.InetAddress;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.synguard.bpf.BpfProgram.XDP_DROP;
import static io.synguard.bpf.BpfProgram.XDP_PASS;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rate table under attacker-chosen sources: a random-source flood neither enters it nor pushes
 * a real offender out, and admissions stay within their budget; a source spread over CPUs gets its
 * rate once, not once per CPU.
 */
@BpfTest
class RateLimiterTest {
    private static final String OFFENDER = "198.18.50.1";
    /** Admissions per CPU per window with 64 sets: a quarter of 256 entries. */
    private static final int BUDGET = 64;

    private Dataplane dp;

    @BeforeEach
    void load() throws InterruptedException {
        Cpus.pinCurrentThread(0);
        dp = Dataplane.load(Dataplane.Options.defaults().withMaxRules(64).withRateSets(64));
        dp.config().setRateLimit(10, 4);
        VerdictTableTest.awaitFreshWindow();
    }

    @AfterEach
    void unload() {
        dp.close();
    }

    private int syn(String source) {
        return dp.program().testRun(TestRun.once(FrameBuilder.tcp(source, "198.18.0.1").build())).retval();
    }

    @Test
    void oneShotSpoofedSourcesPassAndAlmostNeverTakeAnEntry() {
        for (int i = 0; i < 30_000; i++) {
            assertEquals(XDP_PASS, syn("198.18." + (i >> 8 & 0xff) + "." + (i & 0xff)), "source " + i);
        }
        Counters.Snapshot c = dp.counters().read();
        assertEquals(30_000, c.get(Abi.Counter.SYN_PASSED));
        // sources the sketch cannot tell from repeaters are admitted one time in eight, and never
        // more than the budget (here 64) a window: a few hundred at most, not 30,000 inserts
        long admitted = c.get(Abi.Counter.RL_ADMITTED);
        assertTrue(admitted <= 3 * BUDGET, "admitted " + admitted + " of 30,000");
        assertTrue(dp.rateTable().read().size() <= admitted);
    }

    @Test
    void anOffenderOutlivesARandomFlood() {
        dp.config().setRateLimit(1, 2); // slow enough that the flood's second refills nothing that matters
        byte[] offender = FrameBuilder.tcp(OFFENDER, "198.18.0.1").build();
        BpfProgram program = dp.program();
        assertEquals(XDP_DROP, program.testRun(TestRun.repeated(offender, 10)).retval());
        for (int i = 0; i < 10_000; i++) {
            syn("198.19." + (i >> 8 & 0xff) + "." + (i & 0xff));
        }
        // should the flood have crossed into a new window, the first SYN there passes unseen; the
        // second finds the entry again
        assertEquals(XDP_DROP, program.testRun(TestRun.repeated(offender, 2)).retval(), "still limited after the flood");
        RateTable.Source tracked = dp.rateTable().read().sources().stream()
                .filter(s -> s.address().equals(InetAddress.ofLiteral(OFFENDER))).findFirst().orElseThrow();
        assertTrue(tracked.drops() >= 9, "drops: " + tracked);
        assertEquals(1, tracked.cpus());
        long admitted = dp.counters().read().get(Abi.Counter.RL_ADMITTED);
        assertTrue(admitted >= 1 && admitted <= 1 + 3 * BUDGET, "the offender and the flood's budgeted few: " + admitted);
    }

    @Test
    void admissionsPerWindowStayWithinTheBudget() {
        dp.config().setAdmitBudget(3);
        for (int i = 1; i <= 10; i++) {
            String source = "198.18.60." + i;
            syn(source);
            syn(source); // the second SYN makes it a candidate
        }
        Counters.Snapshot c = dp.counters().read();
        assertEquals(3, c.get(Abi.Counter.RL_ADMITTED));
        assertEquals(7, c.get(Abi.Counter.RL_REFUSED));
        assertEquals(3, dp.rateTable().read().size());
    }

    /**
     * RSS spreads one source's SYNs over queues, so over CPUs: here alternately on two. (The
     * test run's own cpu option is for raw tracepoints only; an XDP test run runs on the calling
     * thread's CPU.)
     */
    @Test
    void aSourceSpreadOverCpusGetsItsRateOnceNotOncePerCpu() throws InterruptedException {
        assumeTrue(Cpus.possible() >= 2, "one CPU: nothing to spread over");
        dp.config().setRateLimit(1, 4); // no refill while it runs, however slowly the CPUs change
        byte[] syn = FrameBuilder.tcp("198.18.71.1", "198.18.0.1").build();
        int passed = 0;
        VerdictTableTest.awaitFreshWindow();
        for (int i = 0; i < 20; i++) {
            Cpus.pinCurrentThread(i % 2);
            passed += dp.program().testRun(TestRun.once(syn)).retval() == XDP_PASS ? 1 : 0;
        }
        // per-CPU buckets alone let 2 x 4 by; shared, the burst of 4 and the second CPU's first SYN,
        // which passes before its sketch knows the source
        assertEquals(4 + 1, passed);
        assertEquals(20 - 5, dp.counters().read().get(Abi.Counter.DROPPED_RATELIMIT));
    }

    @Test
    void aSourceIsSummedOverTheCpusThatSawIt() {
        assumeTrue(Cpus.possible() >= 2, "one CPU: nothing to sum");
        byte[] syn = FrameBuilder.tcp("198.18.70.1", "198.18.0.1").build();
        dp.program().testRun(TestRun.repeated(syn, 6));
        Cpus.pinCurrentThread(1);
        dp.program().testRun(TestRun.repeated(syn, 6));
        RateTable.Source s = dp.rateTable().read().sources().getFirst();
        assertEquals(2, s.cpus());
        assertEquals(12, s.syns());
        assertEquals(7, s.drops(), "the burst of 4 holds across both CPUs; each CPU's first SYN passes, "
                + "before the sketch knows the source");
        assertTrue(dp.rateTable().capacityPerCpu() >= 64 * 4);
    }
}

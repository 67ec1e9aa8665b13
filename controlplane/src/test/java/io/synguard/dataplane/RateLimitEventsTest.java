package io.synguard.dataplane;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.Cpus;
import io.synguard.bpf.RingBuffer;
import io.synguard.bpf.TestRun;
import io.synguard.packet.FrameBuilder;
import io.synguard.testing.BpfTest;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Rate-limit events through the ring buffer: decoded, budgeted by the kernel, errors not swallowed. */
@BpfTest
class RateLimitEventsTest {
    private Dataplane dp;

    @BeforeEach
    void load() {
        Cpus.pinCurrentThread(0);
        dp = Dataplane.load(Dataplane.Options.defaults().withMaxRules(64).withRateSets(64));
        dp.config().setRateLimit(10, 1);
    }

    @AfterEach
    void unload() {
        dp.close();
    }

    /** Makes source's first and second SYN: the second is dropped and reported. */
    private void limit(String source) {
        byte[] syn = FrameBuilder.tcp(source, source.contains(":") ? "2001:2::1" : "198.18.0.1").build();
        dp.program().testRun(TestRun.once(syn));
        dp.program().testRun(TestRun.once(syn));
    }

    @Test
    void eachNewlyLimitedSourceIsReportedOnce() {
        limit("198.18.7.1");
        limit("2001:2::7");
        limit("198.18.7.1");
        List<RateLimitEvents.Event> events = new ArrayList<>();
        try (RateLimitEvents ring = dp.openEvents()) {
            assertEquals(2, ring.poll(100, events::add));
        }
        assertEquals(List.of(InetAddress.ofLiteral("198.18.7.1"), InetAddress.ofLiteral("2001:2::7")),
                events.stream().map(RateLimitEvents.Event::source).toList());
        assertEquals(0, events.getFirst().cpu());
    }

    @Test
    void theKernelHoldsBackEventsOverItsBudget() {
        dp.config().setEventBudget(2);
        for (int i = 1; i <= 5; i++) {
            limit("198.18.8." + i);
        }
        Counters.Snapshot c = dp.counters().read();
        assertEquals(2, c.get(Abi.Counter.EVENTS));
        assertEquals(3, c.get(Abi.Counter.EVENTS_SUPPRESSED));
    }

    @Test
    void aFailingConsumerStopsThePollAndItsErrorSurfaces() {
        limit("198.18.9.1");
        IllegalStateException boom = new IllegalStateException("consumer failed");
        BpfMap events = dp.map("sg_events");
        try (RingBuffer ring = RingBuffer.open(events, record -> {
            throw boom;
        })) {
            assertSame(boom, assertThrows(IllegalStateException.class, () -> ring.poll(100)));
        }
    }
}

package io.synguard.dataplane;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.RingBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Sources the rate limiter starts dropping, as the data plane reports them through
 * {@code sg_events}: at most {@code event_budget} per CPU per window, the rest counted as
 * suppressed. Owns its ring buffer consumer.
 */
public final class RateLimitEvents implements AutoCloseable {
    private static final long ADDR = Abi.offset(Abi.EVENT, "addr");
    private static final VarHandle TIME = Abi.field(Abi.EVENT, "time_ns");
    private static final VarHandle KIND = Abi.field(Abi.EVENT, "kind");
    private static final VarHandle CPU = Abi.field(Abi.EVENT, "cpu");

    private final RingBuffer ring;
    private Consumer<Event> consumer = e -> {};

    private RateLimitEvents(BpfMap map) {
        this.ring = RingBuffer.open(map, this::decode);
    }

    static RateLimitEvents open(BpfMap map) {
        return new RateLimitEvents(map);
    }

    /** Waits up to timeoutMs and hands every pending event to consumer; how many there were. */
    public int poll(int timeoutMs, Consumer<Event> consumer) {
        this.consumer = consumer;
        return ring.poll(timeoutMs);
    }

    @Override
    public void close() {
        ring.close();
    }

    private void decode(MemorySegment record) {
        if (record.byteSize() != Abi.EVENT.byteSize() || (int) KIND.get(record, 0L) != Abi.EVENT_RATE_LIMITED) {
            throw new IllegalStateException("unexpected record of " + record.byteSize() + " bytes in sg_events");
        }
        InetAddress source;
        try {
            source = InetAddress.getByAddress(record.asSlice(ADDR, 16).toArray(JAVA_BYTE));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an address", e);
        }
        consumer.accept(new Event(source, (long) TIME.get(record, 0L), (int) CPU.get(record, 0L)));
    }

    /**
     * @param source the source now being dropped
     * @param timeNs when, on the kernel's coarse monotonic clock
     * @param cpu    which CPU's table caught it
     */
    public record Event(InetAddress source, long timeNs, int cpu) {}
}

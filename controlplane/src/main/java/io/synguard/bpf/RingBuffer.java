package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.function.Consumer;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Consumer of a BPF ring buffer map: {@link #poll} hands each record to the sink on the calling
 * thread, as a segment valid only during the call. Owns the libbpf ring_buffer.
 */
@SuppressWarnings("restricted") // FFM lives in this package only
public final class RingBuffer implements AutoCloseable {
    /** {@code struct ring_buffer *ring_buffer__new(int map_fd, ring_buffer_sample_fn sample_cb, void *ctx,
     * const struct ring_buffer_opts *opts);} */
    private static final MethodHandle NEW = Native.libbpfWithErrno("ring_buffer__new",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    /** {@code int ring_buffer__poll(struct ring_buffer *rb, int timeout_ms);} */
    private static final MethodHandle POLL =
            Native.libbpf("ring_buffer__poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    /** {@code void ring_buffer__free(struct ring_buffer *rb);} */
    private static final MethodHandle FREE = Native.libbpf("ring_buffer__free", FunctionDescriptor.ofVoid(ADDRESS));
    /** {@code int (*ring_buffer_sample_fn)(void *ctx, void *data, size_t size);} */
    private static final FunctionDescriptor SAMPLE = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG);
    private static final MethodHandle ON_SAMPLE = Native.method(MethodHandles.lookup(), RingBuffer.class, "onSample",
            MemorySegment.class, MemorySegment.class, long.class);

    private final String name;
    private final Consumer<MemorySegment> sink;
    private final Arena arena;
    private MemorySegment rb = MemorySegment.NULL;
    private RuntimeException sinkFailure;

    private RingBuffer(String name, Consumer<MemorySegment> sink) {
        this.name = name;
        this.sink = sink;
        this.arena = Arena.ofShared();
    }

    /** Starts consuming map, a {@code BPF_MAP_TYPE_RINGBUF}. */
    public static RingBuffer open(BpfMap map, Consumer<MemorySegment> sink) {
        RingBuffer ring = new RingBuffer(map.name(), sink);
        try {
            MemorySegment callback = Native.LINKER.upcallStub(ON_SAMPLE.bindTo(ring), SAMPLE, ring.arena);
            ring.rb = Native.callSettingErrno("ring_buffer__new(" + map.name() + ")", null, Native::isNull,
                    errno -> (MemorySegment) NEW.invokeExact(errno, map.fd(), callback, MemorySegment.NULL, MemorySegment.NULL));
            return ring;
        } catch (RuntimeException e) {
            ring.close();
            throw e;
        }
    }

    /**
     * Waits up to timeoutMs for records and hands over all there are; the number handed over. A
     * sink's exception stops the round and is rethrown here.
     */
    public int poll(int timeoutMs) {
        int rc = Native.call(() -> (int) POLL.invokeExact(rb, timeoutMs));
        if (sinkFailure != null) {
            RuntimeException failure = sinkFailure;
            sinkFailure = null;
            throw failure;
        }
        if (rc == -Errno.EINTR.number()) { // a signal, not a failure
            return 0;
        }
        return BpfException.check(rc, "ring_buffer__poll(" + name + ")", null);
    }

    @Override
    public void close() {
        try {
            if (!Native.isNull(rb)) {
                Native.run(() -> {
                    FREE.invokeExact(rb);
                });
                rb = MemorySegment.NULL;
            }
        } finally {
            arena.close();
        }
    }

    @SuppressWarnings("unused") // called from native code
    private int onSample(MemorySegment ctx, MemorySegment data, long size) {
        try {
            sink.accept(data.reinterpret(size).asReadOnly());
            return 0;
        } catch (RuntimeException e) {
            sinkFailure = e;
            return -1;
        }
    }
}

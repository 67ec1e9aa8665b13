package io.synguard.flood;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.BpfObject;
import io.synguard.bpf.BpfProgram;
import io.synguard.bpf.Cpus;
import io.synguard.bpf.Interfaces;
import io.synguard.bpf.NetNamespace;
import io.synguard.bpf.TestRun;
import io.synguard.bpf.XdpLink;
import io.synguard.bpf.XdpMode;
import io.synguard.net.Prefix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A SYN-flood generator in the kernel: a small XDP program run with {@code BPF_PROG_TEST_RUN} and
 * {@code BPF_F_TEST_XDP_LIVE_FRAMES} sends its template frame out of an interface with XDP_TX, in
 * batches, rewriting the source address, source port and checksums of every frame as the flood
 * asks (flood.bpf.c). Millions of frames a second leave a veth this way, where AF_PACKET senders
 * manage about one.
 *
 * <p>One flood at a time; {@link #stop} ends it early from another thread.
 */
public final class FloodGenerator implements AutoCloseable {
    /** Threads sending at once: while one waits for its test run to be torn down, the other sends. */
    static final int SENDERS = 2;
    /** Frames per batch: smaller batches fall out of the test run's page-pool recycling. */
    static final int BATCH = 256;
    /** Frames per test run flat out: tens of milliseconds, so a stop or the deadline is not missed for long. */
    static final int CHUNK = 1 << 18;
    static final byte[] SOURCE_MAC = {0x02, 0x5e, 0x10, 0, 0, 0x01};

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final BpfObject object;
    private final BpfProgram program;
    private final BpfMap config;
    private final BpfMap paceState;
    private final Pace pace;
    private volatile Budget running;

    private FloodGenerator(BpfObject object, Pace pace) {
        this.object = object;
        this.program = object.program("flood_xdp");
        this.config = object.map("flood_cfg");
        this.paceState = object.map("flood_pace");
        this.pace = pace;
    }

    /** Loads the generator's program into the kernel. */
    public static FloodGenerator load() {
        return load(Pace.SYSTEM);
    }

    static FloodGenerator load(Pace pace) {
        BpfObject object = BpfObject.open("flood", BpfObject.elf(FloodGenerator.class, "flood.bpf.o"));
        try {
            object.load();
            return new FloodGenerator(object, pace);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    /**
     * Sends flood out of egress and returns what went out; progress hears about once a second.
     * {@link #SENDERS} threads of its own take turns on the egress CPU, inside the egress namespace.
     */
    public Report run(Flood flood, Egress egress, Consumer<Progress> progress) throws InterruptedException {
        Template template = Template.of(flood, egress.peerMac(), SOURCE_MAC);
        configure(flood, template);
        Budget budget = new Budget(flood, pace);
        running = budget;
        CountDownLatch done = new CountDownLatch(SENDERS);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            senders.add(Thread.ofPlatform().name("flood-" + egress.iface() + "-" + i).start(() -> {
                try {
                    NetNamespace.run(egress.namespace(), () -> send(template.frame(), egress, budget, flood));
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                    budget.stop();
                } finally {
                    done.countDown();
                }
            }));
        }
        try {
            long reported = 0;
            long reportedAt = budget.start;
            while (!done.await(1, TimeUnit.SECONDS)) {
                long now = pace.nanoTime();
                long sent = budget.sent();
                progress.accept(new Progress(sent, now - budget.start, (sent - reported) * (double) SECOND / (now - reportedAt)));
                reported = sent;
                reportedAt = now;
            }
        } catch (InterruptedException e) {
            budget.stop();
            for (Thread t : senders) {
                t.join();
            }
            throw e;
        }
        running = null;
        if (failure.get() != null) {
            throw failure.get();
        }
        return new Report(budget.sent(), budget.lastSentAt() - budget.start);
    }

    /**
     * Attaches a program that passes everything to egress's interface, so that a veth there takes
     * what its peer sends with XDP_TX: SYN-ACKs answered in XDP reach the clients behind it. Answers
     * to the sources of the spoofed flood last sent (or sampled) it drops at once, as nobody would
     * take them in: their cost stays off the CPU that takes in the rest. Closing the link takes it
     * off; close it before this generator.
     */
    public XdpLink receiveXdpTx(Egress egress) {
        XdpLink[] link = new XdpLink[1];
        NetNamespace.run(egress.namespace(), () -> link[0] = XdpLink.attach(object.program("flood_replies"),
                Interfaces.index(egress.iface()), XdpMode.NATIVE));
        return link[0];
    }

    /** One frame as flood would send it to peerMac, made by the program but not sent: a sample. */
    byte[] sample(Flood flood, byte[] peerMac) {
        Template template = Template.of(flood, peerMac, SOURCE_MAC);
        configure(flood, template);
        TestRun.Result result = program.testRun(TestRun.once(template.frame()));
        if (result.retval() != BpfProgram.XDP_TX) {
            throw new IllegalStateException("the generator refused its template: XDP action " + result.retval());
        }
        return result.output();
    }

    /** What the program {@link #receiveXdpTx} attaches does with frame: its XDP action. */
    int replyAction(byte[] frame) {
        return object.program("flood_replies").testRun(TestRun.once(frame)).retval();
    }

    /** Ends the running flood after the test runs under way. */
    public void stop() {
        Budget b = running;
        if (b != null) {
            b.stop();
        }
    }

    private void send(byte[] frame, Egress egress, Budget budget, Flood flood) {
        if (egress.cpu() >= 0) {
            Cpus.pinCurrentThread(egress.cpu());
        }
        int ifindex = Interfaces.index(egress.iface());
        for (int chunk = budget.take(); chunk > 0; chunk = budget.take()) {
            program.testRun(TestRun.live(frame, chunk, ifindex, batch(flood)));
            budget.sent(chunk);
        }
    }

    /**
     * Frames per test run. Each run costs the kernel a fixed ~25 ms to set up and tear down its page
     * pool (an RCU grace period), which a second sender sends through; so runs are long: flat out
     * CHUNK, rate-capped 1/20 s worth, sent as a burst unless the flood is paced. A veth peer whose
     * NAPI runs in the sender's softirq (the default) takes each batch in before the next; one whose
     * NAPI thread runs on another CPU, slower than the burst, loses what overflows its 256-frame ring.
     */
    static int chunk(long rate) {
        return rate == 0 ? CHUNK : Math.clamp(rate / 20, BATCH, CHUNK);
    }

    /** The spacing between frames the program keeps: a paced flood's 1/rate; 0, none. */
    static long gapNanos(Flood flood) {
        return flood.burst() > 0 && flood.rate() > 0 ? Math.max(1, SECOND / flood.rate()) : 0;
    }

    /**
     * Frames per batch of a test run: the receiver's NAPI is woken once a batch, so a batch is a
     * burst to it. {@link #BATCH}, except for a paced flood: its {@link Flood#burst}, so that frames
     * reach the receiver's ring a few at a time, 1/rate apart, as they reach a NIC's. In batches of
     * up to 64, a ring that could not keep up overflowed only as each batch arrived and had room
     * again in between, where another sender's frame (a legitimate client's SYN) nearly always found
     * a place; a NIC's ring under the same overload is full whenever a frame arrives: so the service
     * sweep's floods are smooth ({@link Flood#SMOOTH_BURST}). Single frames would be truer still but
     * cost the sender more: in one run each against the kernel's cookies, it made 0.78 Mpps of 1.29
     * asked in single frames, 0.91 of 1.42 in fours. A capacity measurement, which needs the rate and
     * no overload, hands over more at once (the peers benchmark's --rate: 64, ~6 Mpps here).
     */
    static int batch(Flood flood) {
        return gapNanos(flood) == 0 ? BATCH : flood.burst();
    }

    private void configure(Flood flood, Template template) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment value = arena.allocate(config.info().valueSize());
            Sources sources = flood.sources();
            value.set(ValueLayout.JAVA_INT, 0, switch (sources) {
                case Sources.Fixed f -> 0;
                case Sources.Botnet b -> 1;
                case Sources.Spoofed s -> 2;
            });
            value.set(ValueLayout.JAVA_INT, 4, sources instanceof Sources.Botnet b ? b.hosts() : 0);
            value.set(ValueLayout.JAVA_INT, 8, (int) Math.round(flood.legitShare() * 65536));
            ValueLayout.OfShort network = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
            value.set(network, 12, (short) template.ipSum());
            value.set(network, 14, (short) template.tcpSum());
            put(value, 16, sources.base().address());
            if (sources instanceof Sources.Spoofed s) {
                put(value, 32, randomBits(s.base()));
            }
            if (flood.legit() != null) {
                put(value, 48, flood.legit().address());
            }
            MemorySegment.copy(template.frame(), 0, value, ValueLayout.JAVA_BYTE, 64, template.frame().length);
            value.set(ValueLayout.JAVA_INT, 64 + 76, template.frame().length);
            value.set(ValueLayout.JAVA_LONG, 144, gapNanos(flood));
            config.update(key, value, BpfMap.ANY);
            // the next frame is due at once
            paceState.update(key, arena.allocate(paceState.info().valueSize()), BpfMap.ANY);
        }
    }

    /** The bits of an address that lie past the prefix: ones where the generator draws. */
    static byte[] randomBits(Prefix prefix) {
        byte[] mask = new byte[prefix.family().bytes()];
        for (int bit = prefix.length(); bit < prefix.family().bits(); bit++) {
            mask[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        return mask;
    }

    /** An address into value at offset, in network order, IPv4 in the first word. */
    private static void put(MemorySegment value, long offset, byte[] address) {
        MemorySegment.copy(address, 0, value, ValueLayout.JAVA_BYTE, offset, address.length);
    }

    @Override
    public void close() {
        object.close();
    }

    /**
     * Where the frames leave: an interface in a network namespace, the MAC of whoever receives them,
     * and the CPU to send from (-1: any).
     */
    public record Egress(Path namespace, String iface, byte[] peerMac, int cpu) {}

    /** About once a second: frames out so far, time since the start, and the rate over the last second. */
    public record Progress(long sent, long elapsedNanos, double recentPps) {}

    /** What went out: frames and how long it took. */
    public record Report(long sent, long elapsedNanos) {
        public double pps() {
            return elapsedNanos == 0 ? 0 : sent * (double) SECOND / elapsedNanos;
        }
    }

    /**
     * The frames a flood may still send, shared by its senders: each takes a chunk, waits for the
     * chunk's time when the flood is rate-capped, and says when it went out.
     */
    private static final class Budget {
        final long start;
        private final Flood flood;
        private final Pace pace;
        private final long limit;
        private final long deadline;
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong lastSentAt;
        private long taken;
        private volatile boolean stopped;

        Budget(Flood flood, Pace pace) {
            this.flood = flood;
            this.pace = pace;
            this.start = pace.nanoTime();
            this.limit = flood.count() == 0 ? Long.MAX_VALUE : flood.count();
            this.deadline = start + flood.duration().toNanos();
            this.lastSentAt = new AtomicLong(start);
        }

        /** The next chunk to send, after waiting for its time; 0 when the flood is over. */
        int take() {
            long due;
            int chunk;
            synchronized (this) {
                if (stopped || taken >= limit || pace.nanoTime() >= deadline) {
                    return 0;
                }
                chunk = (int) Math.min(limit - taken, chunk(flood.rate()));
                due = flood.rate() == 0 ? start : start + (long) (taken * (double) SECOND / flood.rate());
                taken += chunk;
            }
            long wait = Math.min(due, deadline) - pace.nanoTime();
            if (wait > 0) {
                pace.sleep(wait);
            }
            return stopped || pace.nanoTime() >= deadline ? 0 : chunk;
        }

        void sent(int chunk) {
            sent.addAndGet(chunk);
            lastSentAt.accumulateAndGet(pace.nanoTime(), Math::max);
        }

        long sent() {
            return sent.get();
        }

        long lastSentAt() {
            return lastSentAt.get();
        }

        void stop() {
            stopped = true;
        }
    }

    /** The clock and the sleep a rate-capped flood paces itself by. */
    interface Pace {
        Pace SYSTEM = new Pace() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(long nanos) {
                java.util.concurrent.locks.LockSupport.parkNanos(nanos);
            }
        };

        long nanoTime();

        void sleep(long nanos);
    }
}

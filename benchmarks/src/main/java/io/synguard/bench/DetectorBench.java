package io.synguard.bench;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.Cpus;
import io.synguard.config.Settings;
import io.synguard.dataplane.Abi;
import io.synguard.dataplane.AddressCounts;
import io.synguard.dataplane.Counters;
import io.synguard.dataplane.Dataplane;
import io.synguard.dataplane.RateTable;
import io.synguard.detect.Detector;
import io.synguard.detect.Mitigator;
import io.synguard.detect.Sample;
import io.synguard.detect.SourceRates;
import io.synguard.json.Json;
import io.synguard.net.Prefix;
import io.synguard.policy.KernelRules;
import io.synguard.policy.Policy;
import io.synguard.state.Journal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The daemon's per-interval step (what {@code Monitor.tick} does, without applying the blocks)
 * while the rate table tracks {@value #SOURCES} sources: read the counters, step the
 * {@link Detector}, read the rate table ({@link RateTable#read}), turn it into per-source rates
 * ({@link SourceRates#update}) and let the {@link Mitigator} plan, against a real {@link Policy}
 * (empty) as the Monitor's predicates.
 *
 * <p>The interval measured is the one an attack starts in, and the worst case for the step: every
 * tracked source sent 200 SYNs since the previous read and had 100 of them dropped, so all
 * {@value #SOURCES} are offenders (the plan is capped at 10,000 blocks). The production object is
 * loaded unpinned with 2^18 rate sets, so each CPU's table can hold 2^20 sources; each source is
 * tracked on one CPU. One invocation is one tick (single shot); the previous read is put back
 * before each one.
 * <ul>
 * <li>tick: all of it;</li>
 * <li>rateTableRead: {@link RateTable#read} alone;</li>
 * <li>rawTableRead: the same {@code bpf_map_lookup_batch} calls into the same buffers, not parsed:
 * the floor of reading the table through the kernel;</li>
 * <li>javaStep: the tick on a read made beforehand, no system call: detector, rates, plan;</li>
 * <li>sourceRatesUpdate and plan: the two parts of it that grow with the sources, alone.</li>
 * </ul>
 */
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Xms3g", "-Xmx3g"})
public class DetectorBench extends SingleShotBench {
    static final int SOURCES = 1 << 20;
    static final int RATE_SETS = 1 << 18;
    /** What RateTable reads at once. */
    private static final int BATCH_SETS = 256;
    private static final long SYNS_BEFORE = 1000;
    private static final long SYNS_AFTER = 1200;
    private static final long DROPS_BEFORE = 0;
    private static final long DROPS_AFTER = 100;

    private final Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
    private final Instant t1 = t0.plusSeconds(1);
    private final Settings settings = Settings.DEFAULTS;
    private final Mitigator mitigator = new Mitigator();
    private final Map<Prefix, Set<Prefix>> autoHosts = new HashMap<>();

    private Dataplane dataplane;
    private Path journalDir;
    private Journal journal;
    private Policy policy;
    private Counters.Snapshot quiet;
    private AddressCounts before;
    private AddressCounts after;
    private Counters.Snapshot attack;
    private Arena arena;
    private MemorySegment rawKeys;
    private MemorySegment rawValues;
    private BpfMap rate;

    private Detector.Step attackStep;
    private List<SourceRates.SourceRate> attackRates;

    private Detector detector;
    private SourceRates sourceRates;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Cpus.pinCurrentThread(Cpus.possible() - 1);
        dataplane = Dataplane.load(Dataplane.Options.defaults().withMaxRules(1 << 16).withRateSets(RATE_SETS));
        quiet = dataplane.counters().read();
        fillRateTable(dataplane.map("sg_rate"));
        fillCounters(dataplane.map("sg_counters"));
        attack = dataplane.counters().read();
        after = dataplane.rateTable().read();
        if (after.size() != SOURCES) {
            throw new IllegalStateException("the rate table tracks " + after.size() + " sources, not " + SOURCES);
        }
        before = new AddressCounts(after.size());
        for (int slot = 0; slot < after.capacity(); slot++) {
            if (after.holds(slot)) {
                before.add(after.homeAt(slot), after.highAt(slot), after.lowAt(slot), SYNS_BEFORE, DROPS_BEFORE, 1);
            }
        }
        journalDir = Files.createTempDirectory("synguard-bench-journal-");
        journal = Journal.open(journalDir, Json.mapper());
        policy = new Policy(new KernelRules(dataplane), journal, InstantSource.system(), Runnable::run);
        arena = Arena.ofShared();
        rate = dataplane.map("sg_rate");
        rawKeys = arena.allocate(4L * BATCH_SETS, 8);
        rawValues = arena.allocate(rate.valueBufferSize() * BATCH_SETS, 8);

        resetStep();
        attackStep = detector.step(new Sample(t1, attack));
        attackRates = sourceRates.update(t1, after);
        resetStep();
        Mitigator.Plan plan = tick();
        if (plan.offenders() != SOURCES || plan.blocks().size() != 10_000 || plan.randomSources()) {
            throw new IllegalStateException("the step did not see the attack meant: " + plan.offenders()
                    + " offenders, " + plan.blocks().size() + " blocks, random " + plan.randomSources());
        }
    }

    /** Puts the detector and the rates back where they were before the interval measured. */
    @Setup(Level.Iteration)
    public void resetStep() {
        detector = new Detector(settings.detection());
        detector.step(new Sample(t0, quiet));
        sourceRates = new SourceRates();
        sourceRates.update(t0, before);
        System.gc();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        journal.close();
        dataplane.close();
        arena.close();
        BenchWorld.deleteTree(journalDir);
    }

    @Benchmark
    public Mitigator.Plan tick() {
        Detector.Step step = detector.step(new Sample(t1, dataplane.counters().read()));
        List<SourceRates.SourceRate> sources = sourceRates.update(t1, dataplane.rateTable().read());
        return plan(step, sources);
    }

    @Benchmark
    public AddressCounts rateTableRead() {
        return dataplane.rateTable().read();
    }

    @Benchmark
    public int rawTableRead() {
        int[] sets = {0};
        rate.lookupAll(rawKeys, rawValues, BATCH_SETS, n -> sets[0] += n);
        return sets[0];
    }

    @Benchmark
    public Mitigator.Plan javaStep() {
        Detector.Step step = detector.step(new Sample(t1, attack));
        return plan(step, sourceRates.update(t1, after));
    }

    @Benchmark
    public List<SourceRates.SourceRate> sourceRatesUpdate() {
        return sourceRates.update(t1, after);
    }

    @Benchmark
    public Mitigator.Plan plan() {
        return plan(attackStep, attackRates);
    }

    /** As the Monitor plans: the policy's predicates, and the hosts it blocked inside a prefix. */
    private Mitigator.Plan plan(Detector.Step step, List<SourceRates.SourceRate> sources) {
        return mitigator.plan(step, sources, List.of(), settings.detection(), policy::blocked, policy::allowed,
                wide -> {
                    Set<Prefix> hosts = autoHosts.get(wide);
                    return hosts == null ? 0 : hosts.size();
                });
    }

    /** SOURCES distinct IPv4 sources, source i on CPU i % cpus, SYNS_AFTER SYNs and DROPS_AFTER drops each. */
    private static void fillRateTable(BpfMap table) {
        int cpus = Cpus.possible();
        long slot = table.valueSlot();
        long entry = Abi.RATE_ENTRY.byteSize();
        long tat = Abi.RATE_ENTRY.byteOffset(MemoryLayout.PathElement.groupElement("tat_ns"));
        long syns = Abi.RATE_ENTRY.byteOffset(MemoryLayout.PathElement.groupElement("syns"));
        long drops = Abi.RATE_ENTRY.byteOffset(MemoryLayout.PathElement.groupElement("drops"));
        int batch = 4096;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(4L * batch, 8);
            MemorySegment values = arena.allocate(table.valueBufferSize() * batch, 8);
            for (int first = 0; first < RATE_SETS; first += batch) {
                values.fill((byte) 0);
                for (int s = 0; s < batch; s++) {
                    int set = first + s;
                    keys.set(JAVA_INT, 4L * s, set);
                    for (int cpu = 0; cpu < cpus; cpu++) {
                        for (int way = 0; way < Abi.RATE_WAYS; way++) {
                            long i = ((long) way * RATE_SETS + set) * cpus + cpu;
                            if (i >= SOURCES) {
                                continue;
                            }
                            long e = s * table.valueBufferSize() + cpu * slot + way * entry;
                            byte[] addr = address((int) i);
                            values.set(JAVA_BYTE, e + 10, (byte) 0xff);
                            values.set(JAVA_BYTE, e + 11, (byte) 0xff);
                            MemorySegment.copy(MemorySegment.ofArray(addr), 0, values, e + 12, 4);
                            values.set(JAVA_LONG, e + tat, 1_000_000_000L + i);
                            values.set(JAVA_INT, e + syns, (int) SYNS_AFTER);
                            values.set(JAVA_INT, e + drops, (int) DROPS_AFTER);
                        }
                    }
                }
                table.updateBatch(keys, values, batch, BpfMap.ANY);
            }
        }
    }

    /** The SYN flood those sources make, in one second, on CPU 0. */
    private static void fillCounters(BpfMap counters) {
        long syns = SOURCES * (SYNS_AFTER - SYNS_BEFORE);
        long dropped = SOURCES * (DROPS_AFTER - DROPS_BEFORE);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(JAVA_INT, 0);
            MemorySegment values = counters.allocateValue(arena);
            for (Abi.Counter c : List.of(Abi.Counter.PACKETS, Abi.Counter.TCP, Abi.Counter.SYN)) {
                values.set(JAVA_LONG, 8L * c.id(), syns);
            }
            values.set(JAVA_LONG, 8L * Abi.Counter.SYN_PASSED.id(), syns - dropped);
            values.set(JAVA_LONG, 8L * Abi.Counter.DROPPED_RATELIMIT.id(), dropped);
            counters.update(key, values, BpfMap.ANY);
        }
    }

    /** Source i's address: i times an odd constant, distinct for every i below 2^32. */
    static byte[] address(int i) {
        return Blocklists.bytes(i * 0x9e3779b1);
    }
}

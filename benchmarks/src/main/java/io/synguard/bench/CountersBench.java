package io.synguard.bench;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.Cpus;
import io.synguard.dataplane.Counters;
import io.synguard.dataplane.Dataplane;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One sample of the data plane's per-CPU counters as the Monitor takes it every interval
 * ({@link Counters#read}: an arena, one {@code bpf_map_lookup_elem} of {@code sg_counters}, the sum
 * over CPUs), beside the bare lookup into a buffer allocated once: the system call's floor.
 */
public class CountersBench extends NanosBench {
    private Dataplane dataplane;
    private Counters counters;
    private Arena arena;
    private BpfMap map;
    private MemorySegment key;
    private MemorySegment values;

    @Setup(Level.Trial)
    public void setUp() {
        Cpus.pinCurrentThread(Cpus.possible() - 1);
        dataplane = Dataplane.load(Dataplane.Options.defaults().withMaxRules(4096));
        counters = dataplane.counters();
        map = dataplane.map("sg_counters");
        arena = Arena.ofShared();
        key = arena.allocateFrom(JAVA_INT, 0);
        values = map.allocateValue(arena);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dataplane.close();
        arena.close();
    }

    @Benchmark
    public Counters.Snapshot read() {
        return counters.read();
    }

    @Benchmark
    public boolean lookup() {
        return map.lookup(key, values);
    }
}

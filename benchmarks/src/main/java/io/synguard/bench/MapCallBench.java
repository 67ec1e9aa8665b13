package io.synguard.bench;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.Cpus;
import io.synguard.dataplane.Abi;
import io.synguard.dataplane.Dataplane;
import io.synguard.net.Prefix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What a map element costs the control plane through FFM and libbpf, one call per element against
 * one call per {@value #BATCH} (the batch {@code RuleList.putAll} hands the kernel), on real kernel
 * maps holding {@value #ENTRIES} entries: a hash map keyed by IPv4 address ({@code sg_bench_hash})
 * and the IPv4 blocklist's LPM trie ({@code sg_block_v4}) with prefixes shaped like a real list.
 * Every score is nanoseconds per element.
 * <ul>
 * <li>lookupSingle: {@code bpf_map_lookup_elem} for each key;</li>
 * <li>lookupBatch: the whole map read by {@code bpf_map_lookup_batch} ({@link BpfMap#lookupAll}),
 * the only batch read there is: it walks the map rather than looking keys up;</li>
 * <li>updateSingle: {@code bpf_map_update_elem} for each key, replacing its value;</li>
 * <li>updateBatch: {@code bpf_map_update_batch} over the same keys and values.</li>
 * </ul>
 */
public class MapCallBench extends NanosBench {
    static final int ENTRIES = 1 << 16;
    static final int BATCH = 4096;
    static final String HASH = "sg_bench_hash";

    @Param({"hash", "lpm"})
    public String map;

    private Dataplane dataplane;
    private Arena arena;
    private BpfMap target;
    private long keySize;
    private long valueSize;
    private MemorySegment keys;
    private MemorySegment values;
    private MemorySegment value;
    private MemorySegment outKeys;
    private MemorySegment outValues;

    @Setup(Level.Trial)
    public void setUp() {
        Cpus.pinCurrentThread(Cpus.possible() - 1);
        dataplane = loadBenchObject(Dataplane.Options.defaults().withMaxRules(2 * ENTRIES).withRateSets(16));
        arena = Arena.ofShared();
        target = dataplane.map(map.equals("hash") ? HASH : "sg_block_v4");
        keySize = target.info().keySize();
        valueSize = target.valueBufferSize();
        keys = arena.allocate(keySize * ENTRIES, 8);
        values = arena.allocate(valueSize * ENTRIES, 8);
        value = target.allocateValue(arena);
        outKeys = arena.allocate(keySize * BATCH, 8);
        outValues = arena.allocate(valueSize * BATCH, 8);
        Blocklists list = Blocklists.generate(ENTRIES, 11);
        List<Prefix> prefixes = list.prefixes();
        for (int i = 0; i < ENTRIES; i++) {
            long k = i * keySize;
            if (map.equals("hash")) {
                keys.set(JAVA_INT, k, list.sources()[i]);
            } else {
                keys.set(JAVA_INT, k, prefixes.get(i).length());
                MemorySegment.copy(MemorySegment.ofArray(prefixes.get(i).address()), 0, keys, k + 4, 4);
            }
            values.set(JAVA_INT, i * valueSize, i + 1); // serial
            values.set(JAVA_LONG, i * valueSize + 8, 0L); // expires_s: never
        }
        if (keySize != (map.equals("hash") ? 4 : Abi.LPM_V4_KEY.byteSize()) || valueSize != Abi.RULE_META.byteSize()) {
            throw new IllegalStateException(target + ": key " + keySize + " B, value " + valueSize + " B");
        }
        updateBatch();
        int held = lookupBatch();
        if (held != ENTRIES || lookupSingle() != ENTRIES) {
            throw new IllegalStateException(target + " holds " + held + " entries, not " + ENTRIES);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dataplane.close();
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public int lookupSingle() {
        int found = 0;
        for (int i = 0; i < ENTRIES; i++) {
            if (target.lookup(keys.asSlice(i * keySize, keySize), value)) {
                found++;
            }
        }
        return found;
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public int lookupBatch() {
        int[] read = {0};
        target.lookupAll(outKeys, outValues, BATCH, n -> read[0] += n);
        return read[0];
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public void updateSingle() {
        for (int i = 0; i < ENTRIES; i++) {
            target.update(keys.asSlice(i * keySize, keySize), values.asSlice(i * valueSize, valueSize), BpfMap.ANY);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public void updateBatch() {
        for (int i = 0; i < ENTRIES; i += BATCH) {
            target.updateBatch(keys.asSlice(i * keySize, BATCH * keySize), values.asSlice(i * valueSize, BATCH * valueSize),
                    BATCH, BpfMap.ANY);
        }
    }

    /** synguard's maps (and the benchmark's) from the benchmark object, unpinned: they die with it. */
    static Dataplane loadBenchObject(Dataplane.Options options) {
        return Dataplane.load(DataplaneBench.objectBytes(), "bench_synguard", options);
    }
}

package io.synguard.bench;

import io.synguard.bpf.Cpus;
import io.synguard.dataplane.Dataplane;
import io.synguard.dataplane.RuleList;
import io.synguard.dataplane.RuleSpec;

import java.util.List;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The same map calls one layer up, as the policy makes them: the blocklist's {@link RuleList#put},
 * one LPM trie update and an index probe per rule, against {@link RuleList#putAll}, which hands the
 * trie 4096 rules a call. The {@value MapCallBench#ENTRIES} prefixes are listed already, so both
 * replace entries (new serials are not taken, the index does not grow): the steady state.
 * Nanoseconds per rule.
 */
public class RuleListBench extends NanosBench {
    private static final int N = MapCallBench.ENTRIES;

    private Dataplane dataplane;
    private RuleList blocklist;
    private List<RuleSpec> specs;

    @Setup(Level.Trial)
    public void setUp() {
        Cpus.pinCurrentThread(Cpus.possible() - 1);
        dataplane = MapCallBench.loadBenchObject(Dataplane.Options.defaults().withMaxRules(2 * N).withRateSets(16));
        blocklist = dataplane.blocklist();
        specs = Blocklists.generate(N, 11).prefixes().stream().map(p -> new RuleSpec(p, false, null)).toList();
        if (blocklist.putAll(specs) != N || blocklist.list().size() != N) {
            throw new IllegalStateException("the blocklist does not hold the " + N + " prefixes");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dataplane.close();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void put() {
        for (RuleSpec s : specs) {
            blocklist.put(s.prefix(), s.auto(), s.expires());
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public int putAll() {
        return blocklist.putAll(specs);
    }
}

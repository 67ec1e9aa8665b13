package io.synguard.bench;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.BpfProgram;
import io.synguard.bpf.TestRun;
import io.synguard.dataplane.Abi;
import io.synguard.dataplane.Counters;
import io.synguard.dataplane.Dataplane;
import io.synguard.dataplane.RuleSpec;
import io.synguard.net.Prefix;
import io.synguard.packet.FrameBuilder;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * One data-plane benchmark case: which program of the benchmark object runs, over which frame,
 * with which rules, and the verdict it must give (checked before measuring). The first four are
 * references (references.h): xdp_drop, parse_drop and one_miss carry the names every benchmark
 * gives them; pool-drop is parse_drop behind the rotation prologue. one-miss-chained, one_miss
 * whose every read waits for the previous packet's, is a diagnostic: the latency of a miss that
 * nothing overlaps.
 */
enum Scenario {
    XDP_DROP("bench_drop", 0, Traffic.HOT, BpfProgram.XDP_DROP),
    PARSE_DROP("bench_parse_drop", 0, Traffic.HOT, BpfProgram.XDP_DROP),
    POOL_DROP("bench_pool_drop", 10_000, Traffic.ROTATE, BpfProgram.XDP_DROP),
    ONE_MISS("bench_pool_miss", 1_000_000, Traffic.ROTATE, BpfProgram.XDP_DROP),
    ONE_MISS_CHAINED("bench_pool_miss_chained", 1_000_000, Traffic.ROTATE, BpfProgram.XDP_DROP),
    LEGIT_SYN("bench_synguard", 10_000, Traffic.LEGIT, BpfProgram.XDP_PASS),
    NON_SYN("bench_synguard", 10_000, Traffic.ACK, BpfProgram.XDP_PASS),
    BLOCK_10_HOT("bench_synguard", 10, Traffic.HOT, BpfProgram.XDP_DROP),
    BLOCK_10K_HOT("bench_synguard", 10_000, Traffic.HOT, BpfProgram.XDP_DROP),
    BLOCK_1M_HOT("bench_synguard", 1_000_000, Traffic.HOT, BpfProgram.XDP_DROP),
    BLOCK_10_ROTATE("bench_pool_synguard", 10, Traffic.ROTATE, BpfProgram.XDP_DROP),
    BLOCK_10K_ROTATE("bench_pool_synguard", 10_000, Traffic.ROTATE, BpfProgram.XDP_DROP),
    BLOCK_1M_ROTATE("bench_pool_synguard", 1_000_000, Traffic.ROTATE, BpfProgram.XDP_DROP),
    LPM_10_HOT("bench_lpm", 10, Traffic.HOT, BpfProgram.XDP_DROP),
    LPM_10K_HOT("bench_lpm", 10_000, Traffic.HOT, BpfProgram.XDP_DROP),
    LPM_1M_HOT("bench_lpm", 1_000_000, Traffic.HOT, BpfProgram.XDP_DROP),
    LPM_10_ROTATE("bench_pool_lpm", 10, Traffic.ROTATE, BpfProgram.XDP_DROP),
    LPM_10K_ROTATE("bench_pool_lpm", 10_000, Traffic.ROTATE, BpfProgram.XDP_DROP),
    LPM_1M_ROTATE("bench_pool_lpm", 1_000_000, Traffic.ROTATE, BpfProgram.XDP_DROP),
    RATELIMIT_ONE("bench_synguard", 0, Traffic.RATE_ONE, BpfProgram.XDP_DROP),
    RATELIMIT_BOTNET("bench_pool_synguard", 0, Traffic.RATE_BOTNET, BpfProgram.XDP_DROP),
    RATELIMIT_SPOOF("bench_spoof_synguard", 0, Traffic.RATE_SPOOF, BpfProgram.XDP_PASS),
    IPV6_BLOCK_HOT("bench_synguard", 10_000, Traffic.IPV6_HOT, BpfProgram.XDP_DROP);

    static final String DUT = "198.18.0.1";
    private static final int BOTNET = 10_000;

    final String program;
    final int prefixes;
    final Traffic traffic;
    final int verdict;

    Scenario(String program, int prefixes, Traffic traffic, int verdict) {
        this.program = program;
        this.prefixes = prefixes;
        this.traffic = traffic;
        this.verdict = verdict;
    }

    /** The JMH parameter value: lower case, dashes; the references' names keep their underscores. */
    String id() {
        String id = name().toLowerCase(Locale.ROOT);
        return isReference() ? id : id.replace('_', '-');
    }

    static Scenario of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** A case that explains others rather than measures synguard: run only when --only names it. */
    boolean isDiagnostic() {
        return this == ONE_MISS_CHAINED;
    }

    /** A program that stands for the least work a filter must do, rather than a synguard case. */
    boolean isReference() {
        return this == XDP_DROP || this == PARSE_DROP || this == ONE_MISS;
    }

    /**
     * The reference doing the least work synguard must do in this case: for a table far larger
     * than the cache, one random read (one_miss); else the parse, behind the rotation prologue
     * where sources rotate (pool-drop), else alone (parse_drop).
     */
    Scenario reference() {
        if (isReference() || this == POOL_DROP) {
            return this == ONE_MISS ? POOL_DROP : XDP_DROP;
        }
        if (traffic == Traffic.ROTATE && prefixes >= 1_000_000) {
            return ONE_MISS;
        }
        return traffic == Traffic.ROTATE || traffic == Traffic.RATE_BOTNET ? POOL_DROP : PARSE_DROP;
    }

    /**
     * Whether a warm-up run did what this case is about: its last verdict, or for a botnet, whose
     * buckets refill between its SYNs, that the limiter dropped most of them.
     */
    String misbehaviour(TestRun.Result last, Counters.Snapshot delta) {
        if (traffic == Traffic.RATE_BOTNET) {
            long syns = delta.get(Abi.Counter.SYN);
            long dropped = delta.get(Abi.Counter.DROPPED_RATELIMIT);
            return dropped * 2 > syns ? null : "the limiter dropped only " + dropped + " of " + syns + " SYNs";
        }
        return last.retval() == verdict ? null : "gives XDP action " + last.retval() + ", expected " + verdict;
    }

    /** Fills dp's maps for this case; the frame to run. */
    byte[] prepare(Dataplane dp) {
        Blocklists lists = Blocklists.generate(Math.max(prefixes, 1), 42);
        if (prefixes > 0) {
            dp.blocklist().putAll(lists.prefixes().stream().map(p -> new RuleSpec(p, false, null)).toList());
        }
        String hot = Blocklists.text(lists.sources()[0]);
        return switch (traffic) {
            case HOT -> FrameBuilder.tcp(hot, DUT).build();
            case LEGIT -> FrameBuilder.tcp("198.18.1.1", DUT).build();
            case ACK -> FrameBuilder.tcp(hot, DUT).flags(FrameBuilder.ACK).build();
            case ROTATE -> {
                fillPool(dp, lists.sources());
                yield FrameBuilder.tcp(hot, DUT).build();
            }
            case RATE_ONE -> {
                dp.config().setRateLimit(100, 200);
                yield FrameBuilder.tcp("198.18.2.1", DUT).build();
            }
            case RATE_BOTNET -> {
                dp.config().setRateLimit(100, 10);
                int[] bots = new int[BOTNET];
                for (int i = 0; i < BOTNET; i++) {
                    bots[i] = 0xc6120000 + 0x100 + i; // 198.18.1.0 onwards
                }
                fillPool(dp, bots);
                yield FrameBuilder.tcp("198.18.2.1", DUT).build();
            }
            case RATE_SPOOF -> {
                dp.config().setRateLimit(100, 200);
                yield FrameBuilder.tcp("198.18.2.1", DUT).build();
            }
            case IPV6_HOT -> {
                dp.blocklist().put(Prefix.parse("2001:2:0:1::/64"), false, null);
                yield FrameBuilder.tcp("2001:2:0:1::7", "2001:2::1").build();
            }
        };
    }

    private static void fillPool(Dataplane dp, int[] sources) {
        BpfMap pool = dp.map("sg_bench_pool");
        BpfMap cfg = dp.map("sg_bench_cfg");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(JAVA_INT, sources.length);
            MemorySegment values = arena.allocate(JAVA_INT, sources.length);
            for (int i = 0; i < sources.length; i++) {
                keys.setAtIndex(JAVA_INT, i, i);
                values.setAtIndex(JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), i, sources[i]);
            }
            pool.updateBatch(keys, values, sources.length, BpfMap.ANY);
            cfg.update(arena.allocateFrom(JAVA_INT, 0), arena.allocateFrom(JAVA_INT, sources.length), BpfMap.ANY);
        }
    }

    enum Traffic { HOT, LEGIT, ACK, ROTATE, RATE_ONE, RATE_BOTNET, RATE_SPOOF, IPV6_HOT }
}

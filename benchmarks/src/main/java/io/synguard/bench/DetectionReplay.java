package io.synguard.bench;

import io.synguard.config.Settings;
import io.synguard.dataplane.Abi.Counter;
import io.synguard.dataplane.Counters;
import io.synguard.dataplane.AddressCounts;
import io.synguard.detect.Behaviour;
import io.synguard.detect.Detector;
import io.synguard.detect.Mitigator;
import io.synguard.detect.Sample;
import io.synguard.detect.SourceRates;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Replays a {@link DetectionScenario} through the real {@link Detector} and {@link Mitigator}, as
 * the daemon's control loop runs them, on a clock of one second an interval. The data plane is
 * emulated from the trace: every SYN is counted; a blocked source's SYNs are dropped by the
 * blocklist; a source's SYNs beyond {@code rate_limit.syn_pps} are dropped by the rate limiter; a
 * source is tracked in the rate table from {@value #TRACKED_FROM} SYNs a second (half the default
 * burst, as the kernel admits it); a legitimate SYN that passes brings two other TCP segments (the
 * handshake's ACK and a request), a flood's none. The blocks the mitigator plans are applied with
 * their ttl, hosts inside a widened prefix replaced by it, as the Monitor does.
 */
final class DetectionReplay {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final int TRACKED_FROM = 64;
    /** Calm intervals that end an attack: its tail after the flood is no false alarm. */
    private static final int TAIL = Detector.CALM_INTERVALS + 1;

    private final DetectionScenario scenario;
    private final Settings settings;
    private final Detector detector;
    private final Mitigator mitigator = new Mitigator();
    private final SourceRates sourceRates = new SourceRates();
    private final ReplayBlocklist blocklist;
    private final Random noise = new Random(13);
    private final Map<Integer, long[]> tracked = new HashMap<>();
    private final Map<Integer, InetAddress> addresses = new HashMap<>();
    /** Per group: its sources ever blocked; per flood source, the times it went from passing to blocked. */
    private final BitSet[] everBlocked;
    private final int[][] timesBlocked;
    /** The data plane's counters so far, by counter id; TCP holds every segment. */
    private final double[] counted = new double[Counter.values().length];

    private DetectionReplay(DetectionScenario scenario, Settings settings) {
        this.scenario = scenario;
        this.settings = settings;
        this.detector = new Detector(settings.detection());
        this.blocklist = new ReplayBlocklist(settings.detection().widenV4Len());
        int groups = scenario.groups().size();
        this.everBlocked = new BitSet[groups];
        this.timesBlocked = new int[groups][];
        for (int g = 0; g < groups; g++) {
            everBlocked[g] = new BitSet();
            DetectionScenario.Group group = scenario.groups().get(g);
            timesBlocked[g] = new int[group.attack() && !group.spoofed() ? group.sources() : 0];
        }
    }

    /**
     * What a scenario showed.
     *
     * @param detectionDelayS      from the first flood interval's start to the end of the first interval
     *                             under attack; null without a flood, or when it was never detected
     * @param falseAttackIntervals intervals under attack with no flood in them nor just before (an
     *                             attack's calm tail)
     * @param attacks              attacks declared
     * @param legitBlocked         legitimate sources blocked at any time
     * @param attackUnblocked      flood sources never blocked; null for a spoofed flood, which has none
     *                             to block by design, and without a flood
     * @param timesBlocked         the most times one flood source went from passing to blocked: 1 is
     *                             blocked once; 0 without a blockable flood
     * @param learningEndS         when learning ended, in seconds from the start
     * @param replayMs             the replay's own time
     */
    record Outcome(String scenario, boolean flood, Long detectionDelayS, int falseAttackIntervals, int attacks,
                   int legitBlocked, Integer attackUnblocked, int timesBlocked, int learningEndS, long replayMs) {}

    static Outcome run(DetectionScenario scenario, Settings settings) {
        return new DetectionReplay(scenario, settings).replay();
    }

    private Outcome replay() {
        long started = System.nanoTime();
        detector.step(new Sample(T0, snapshot()), Behaviour.UNKNOWN);
        int floodStart = scenario.groups().stream().filter(DetectionScenario.Group::attack)
                .mapToInt(g -> g.start(scenario.seconds())).filter(s -> s > 0).min().orElse(0);
        Long delay = null;
        int falseIntervals = 0;
        int attacks = 0;
        int learningEnd = 0;
        int lastFlood = Integer.MIN_VALUE;
        for (int s = 1; s <= scenario.seconds(); s++) {
            Instant at = T0.plusSeconds(s);
            blocklist.expire(at);
            traffic(s);
            List<SourceRates.SourceRate> sources = sourceRates.update(at, read());
            Detector.Step step = detector.step(new Sample(at, snapshot()), Behaviour.of(sources, 0));
            Mitigator.Plan plan = mitigator.plan(step, sources, List.of(), settings.detection(), blocklist::blocked,
                    p -> false, blocklist::inside);
            if (!plan.blocks().isEmpty()) {
                blocklist.apply(plan, at.plusSeconds(settings.detection().autoBlockTtlS()));
                markBlocked();
            }
            if (scenario.flooding(s)) {
                lastFlood = s;
            }
            if (!step.learning() && learningEnd == 0) {
                learningEnd = s;
            }
            attacks += step.started() ? 1 : 0;
            if (step.underAttack() && delay == null && floodStart > 0 && s >= floodStart) {
                delay = (long) (s - floodStart + 1);
            }
            if (step.underAttack() && s - lastFlood > TAIL) {
                falseIntervals++;
            }
        }
        int legit = 0;
        Integer unblocked = null;
        int most = 0;
        for (int g = 0; g < everBlocked.length; g++) {
            DetectionScenario.Group group = scenario.groups().get(g);
            if (!group.attack()) {
                legit += everBlocked[g].cardinality();
            } else if (!group.spoofed()) {
                unblocked = (unblocked == null ? 0 : unblocked) + group.sources() - everBlocked[g].cardinality();
                for (int n : timesBlocked[g]) {
                    most = Math.max(most, Math.abs(n));
                }
            }
        }
        return new Outcome(scenario.name(), scenario.flood(), delay, falseIntervals, attacks, legit, unblocked, most,
                learningEnd, (System.nanoTime() - started) / 1_000_000);
    }

    /** One interval of the trace through the emulated data plane. */
    private void traffic(int second) {
        long limit = settings.rateLimit().synPps();
        double factor = 1 + 0.05 * noise.nextGaussian();
        for (int g = 0; g < scenario.groups().size(); g++) {
            DetectionScenario.Group group = scenario.groups().get(g);
            double rate = group.rate().at(second) * (group.attack() ? 1 : factor);
            if (rate <= 0) {
                continue;
            }
            if (group.spoofed()) {
                count(Counter.SYN, rate * group.sources());
                continue;
            }
            int[] times = timesBlocked[g];
            for (int i = 0; i < group.sources(); i++) {
                int address = group.first() + i;
                count(Counter.SYN, rate);
                if (blocklist.covers(address)) {
                    count(Counter.DROPPED_BLOCKLIST, rate);
                    continue;
                }
                if (times.length > 0) {
                    times[i] = times[i] < 0 ? -times[i] : times[i]; // passing again: a later block counts anew
                }
                double dropped = limit == 0 ? 0 : Math.max(0, rate - limit);
                count(Counter.DROPPED_RATELIMIT, dropped);
                if (group.completing()) {
                    counted[Counter.TCP.id()] += 2 * (rate - dropped);
                }
                if (rate >= TRACKED_FROM) {
                    long[] counts = tracked.computeIfAbsent(address, a -> new long[2]);
                    counts[0] += Math.round(rate);
                    counts[1] += Math.round(dropped);
                }
            }
        }
    }

    /** Marks the sources the blocklist now covers; a flood source newly covered counts one more block. */
    private void markBlocked() {
        for (int g = 0; g < scenario.groups().size(); g++) {
            DetectionScenario.Group group = scenario.groups().get(g);
            if (group.spoofed()) {
                continue;
            }
            int[] times = timesBlocked[g];
            for (int i = 0; i < group.sources(); i++) {
                if (blocklist.covers(group.first() + i)) {
                    everBlocked[g].set(i);
                    if (times.length > 0 && times[i] >= 0) {
                        times[i] = -(times[i] + 1); // negative while blocked
                    }
                }
            }
        }
    }

    /** The rate table as a read finds it: every tracked source on one CPU. */
    private AddressCounts read() {
        AddressCounts read = new AddressCounts(tracked.size());
        tracked.forEach((a, c) -> {
            byte[] b = address(a).getAddress();
            read.add(AddressCounts.high(b), AddressCounts.low(b), c[0], c[1], 1);
        });
        return read;
    }

    /** Counts n SYNs of a kind; every SYN is a TCP segment too. */
    private void count(Counter c, double n) {
        counted[c.id()] += n;
        if (c == Counter.SYN) {
            counted[Counter.TCP.id()] += n;
        }
    }

    private Counters.Snapshot snapshot() {
        Map<Counter, Long> values = new EnumMap<>(Counter.class);
        for (Counter c : Counter.values()) {
            values.put(c, (long) counted[c.id()]);
        }
        values.put(Counter.PACKETS, values.get(Counter.TCP));
        values.put(Counter.SYN_PASSED, Math.max(0, values.get(Counter.SYN) - values.get(Counter.DROPPED_BLOCKLIST)
                - values.get(Counter.DROPPED_RATELIMIT)));
        return Counters.Snapshot.of(values);
    }

    private InetAddress address(int a) {
        return addresses.computeIfAbsent(a, k -> {
            try {
                return InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(k).array());
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}

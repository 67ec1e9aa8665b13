package io.synguard.daemon;

import io.synguard.config.Settings;
import io.synguard.dataplane.Counters;
import io.synguard.dataplane.Dataplane;
import io.synguard.dataplane.RuleKind;
import io.synguard.detect.Baseline;
import io.synguard.detect.Behaviour;
import io.synguard.detect.DestinationRates;
import io.synguard.detect.Detector;
import io.synguard.detect.MainVictim;
import io.synguard.detect.Mitigator;
import io.synguard.detect.Sample;
import io.synguard.detect.SourceRates;
import io.synguard.detect.Status;
import io.synguard.metrics.Metrics;
import io.synguard.net.Family;
import io.synguard.net.Prefix;
import io.synguard.policy.Origin;
import io.synguard.policy.Policy;
import io.synguard.json.Json;
import io.synguard.state.StateFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control loop: every interval, read the counters and the rate table, let the detector judge
 * the SYN rate, block what the mitigator plans, and keep what it judged for {@link #status}. Runs
 * on one thread; reports from the ring buffer arrive through {@link #reported}. The detector's
 * baseline is kept in a state file, written when learning ends and every {@link #KEEP_EVERY} after.
 */
final class Monitor {
    private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);
    static final Duration KEEP_EVERY = Duration.ofMinutes(1);

    private final Dataplane dataplane;
    private final Policy policy;
    private final Metrics metrics;
    private final InstantSource clock;
    private final Supplier<Settings> settings;
    private final String iface;
    private final Supplier<String> attachMode;
    private final Instant started;
    private final Detector detector;
    private final StateFile baselineFile;
    private Instant kept;
    private boolean learningSaid;
    private boolean flashCrowd;
    private final SourceRates sourceRates = new SourceRates();
    private final DestinationRates destinationRates = new DestinationRates();
    private final Mitigator mitigator = new Mitigator();
    private final Queue<InetAddress> reported = new ConcurrentLinkedQueue<>();
    /** Hosts detection blocked, by the prefix they would widen to. */
    private final Map<Prefix, Set<Prefix>> autoHosts = new HashMap<>();
    private volatile List<SourceRates.SourceRate> lastSources = List.of();
    private volatile Judged judged = new Judged(null, Mitigator.Plan.NONE, false, null,
            DestinationRates.Destinations.NONE);
    private boolean randomSourcesSaid;
    /** Whether the attack comes from random sources, as its last interval with a flood judged: a calm tail keeps it. */
    private boolean randomSources;
    private final MainVictim victim = new MainVictim();

    /** What a tick judged: whether the attack comes from random sources, its victim, where SYNs went. */
    private record Judged(Detector.Step step, Mitigator.Plan plan, boolean randomSources,
                          DestinationRates.DestinationRate victim, DestinationRates.Destinations destinations) {}

    /**
     * @param iface      the interface protected, for the status
     * @param attachMode how the program is attached now
     * @param baseline   where the detector's baseline is kept
     */
    Monitor(Dataplane dataplane, Policy policy, Metrics metrics, InstantSource clock, Supplier<Settings> settings,
            String iface, Supplier<String> attachMode, StateFile baseline) {
        this.dataplane = dataplane;
        this.policy = policy;
        this.metrics = metrics;
        this.clock = clock;
        this.settings = settings;
        this.iface = iface;
        this.attachMode = attachMode;
        this.started = clock.instant();
        this.baselineFile = baseline;
        this.detector = new Detector(settings.get().detection(), restore(baseline));
        this.kept = started;
    }

    /** The baseline kept in file; a new one, to learn, without one or when it cannot be read. */
    private static Baseline restore(StateFile file) {
        try {
            Optional<byte[]> kept = file.read();
            if (kept.isPresent()) {
                Baseline b = Baseline.of(Json.mapper().readValue(kept.get(), Baseline.State.class));
                LOG.info("restored the SYN rate's baseline from {}: {} SYN/s{}", file.path(), Math.round(b.level()),
                        b.learnt() ? "" : ", still learning");
                return b;
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot read the baseline kept in {} ({}); learning it again", file.path(), e.getMessage());
        }
        return new Baseline();
    }

    /** Keeps the baseline when learning just ended, and every KEEP_EVERY. */
    private void keep(Instant now, Detector.Step step) {
        boolean learnt = !step.learning() && learningSaid;
        if (!learnt && now.isBefore(kept.plus(KEEP_EVERY))) {
            return;
        }
        learningSaid = false;
        kept = now;
        try {
            baselineFile.write(Json.mapper().writeValueAsBytes(detector.baseline().state()));
        } catch (IOException | UncheckedIOException e) {
            LOG.error("cannot keep the baseline in {}: {}", baselineFile.path(), e.getMessage());
        }
    }

    /** A source the data plane just reported as rate-limited. */
    void reported(InetAddress source) {
        reported.add(source);
    }

    void configure(Settings s) {
        synchronized (detector) {
            detector.configure(s.detection());
        }
    }

    List<SourceRates.SourceRate> top(int limit) {
        List<SourceRates.SourceRate> s = lastSources;
        return s.subList(0, Math.min(limit, s.size()));
    }

    List<DestinationRates.DestinationRate> topDestinations(int limit) {
        List<DestinationRates.DestinationRate> d = judged.destinations().rates();
        return d.subList(0, Math.min(limit, d.size()));
    }

    void tick() {
        Instant now = clock.instant();
        Counters.Snapshot counters = dataplane.counters().read();
        List<SourceRates.SourceRate> sources = sourceRates.update(now, dataplane.rateTable().read());
        lastSources = sources;
        DestinationRates.Destinations destinations = destinationRates.update(now, dataplane.victimTable().read());
        List<InetAddress> fresh = new ArrayList<>();
        for (InetAddress a; (a = reported.poll()) != null; ) {
            fresh.add(a);
        }
        Detector.Step step;
        synchronized (detector) {
            step = detector.step(new Sample(now, counters), Behaviour.of(sources, fresh.size()));
            if (step.learning() && !learningSaid) {
                learningSaid = true;
                LOG.info("learning the normal SYN rate until {}: meanwhile only a rate over {} SYN/s is an attack",
                        step.learningUntil().truncatedTo(ChronoUnit.SECONDS), Math.round(step.threshold()));
            }
            keep(now, step);
        }
        if (step.flashCrowd() && !flashCrowd) {
            LOG.info("{} SYN/s, over the threshold of {} SYN/s, from sources within their rate that complete their"
                    + " handshakes: a flash crowd, no attack", Math.round(step.rates().synPps()), Math.round(step.threshold()));
        }
        flashCrowd = step.flashCrowd();
        if (step.reexamined()) {
            LOG.warn("re-examined: {} SYN/s for {} intervals with no source over its rate and sources that explain it;"
                    + " taken as the new normal", Math.round(step.rates().synPps()), Detector.REEXAMINE_INTERVALS);
        }

        if (step.started()) {
            metrics.attackStarted();
            randomSourcesSaid = false;
            DestinationRates.DestinationRate busiest = destinations.busiest();
            LOG.warn("attack: {} SYN/s, over the threshold of {} SYN/s (baseline {} SYN/s){}",
                    Math.round(step.rates().synPps()), Math.round(step.threshold()), Math.round(step.baseline()),
                    busiest == null ? "" : ", most to " + Prefix.host(busiest.address()).addressText() + " port "
                            + busiest.port());
        }
        Settings s = settings.get();
        Mitigator.Plan plan = mitigator.plan(step, sources, fresh, s.detection(), policy::blocked, policy::allowed,
                this::hostsBlockedInside);
        apply(plan, s, step);
        if (plan.randomSources() && !randomSourcesSaid) {
            randomSourcesSaid = true;
            LOG.warn("the flood comes from sources too scattered to block one by one ({} SYN/s, the tracked sources"
                    + " send under {}% of it): blocking them would only fill the blocklist; SYN cookies and"
                    + " upstream filtering are what helps", Math.round(step.rates().synPps()),
                    Math.round(Mitigator.EXPLAINED_SHARE * 100));
        }
        if (step.ended()) {
            LOG.info("attack over: it began {}, peaked at {} SYN/s", step.attackSince() == null ? "earlier"
                    : step.attackSince().truncatedTo(ChronoUnit.SECONDS), Math.round(step.peakSynPps()));
        }
        if (!step.calm()) {
            randomSources = plan.randomSources();
        }
        judged = new Judged(step, plan, randomSources, victim.update(step, destinations), destinations);
    }

    private void apply(Mitigator.Plan plan, Settings s, Detector.Step step) {
        if (plan.blocks().isEmpty()) {
            return;
        }
        Duration ttl = Duration.ofSeconds(s.detection().autoBlockTtlS());
        String reason = "auto: " + Math.round(step.rates().synPps()) + " SYN/s attack";
        policy.putAll(RuleKind.BLOCK, plan.blocks().stream().map(p -> new Policy.Request(p, ttl,
                plan.widened().contains(p) ? reason + ", many offenders in this prefix" : reason)).toList(), Origin.AUTO);
        for (Prefix p : plan.blocks()) {
            boolean wide = plan.widened().contains(p);
            if (wide) {
                for (Prefix host : autoHosts.getOrDefault(p, Set.of())) {
                    policy.remove(RuleKind.BLOCK, host);
                }
                autoHosts.remove(p);
            } else {
                autoHosts.computeIfAbsent(widen(p, s), k -> new HashSet<>()).add(p);
            }
            LOG.info("blocked {} for {}s{}", p, ttl.toSeconds(), wide ? " (widened: many offenders inside)" : "");
        }
        metrics.autoBlocked(plan.blocks().size(), plan.widened().size(), plan.spared());
    }

    /** Hosts detection blocked inside wide that are still blocked. */
    private int hostsBlockedInside(Prefix wide) {
        Set<Prefix> hosts = autoHosts.get(wide);
        if (hosts == null) {
            return 0;
        }
        hosts.removeIf(h -> !policy.blocked(h));
        return hosts.size();
    }

    private static Prefix widen(Prefix host, Settings s) {
        return host.truncate(host.family() == Family.V4
                ? s.detection().widenV4Len() : s.detection().widenV6Len());
    }

    /** Whether the last interval judged an attack of the random-source kind on. Any thread. */
    boolean randomAttack() {
        Judged j = judged;
        return j.step() != null && j.step().underAttack() && j.randomSources();
    }

    /**
     * The attack and the rates as judged at the last interval, the totals, mode and lists as they
     * are now, with cookies as given. Any thread.
     */
    Status status(Status.Cookies cookies) {
        Judged j = judged;
        Detector.Step step = j.step();
        Settings s = settings.get();
        boolean active = step != null && step.underAttack();
        Status.Attack attack = new Status.Attack(active, active ? step.attackSince() : null,
                step == null ? 0 : Math.round(step.rates().synPps()),
                step == null ? s.detection().minThresholdPps() : Math.round(step.threshold()),
                active && j.randomSources(), step == null ? 0 : Math.round(step.baseline()),
                active ? Math.round(step.peakSynPps()) : 0, j.plan().offenders(),
                step == null ? null : step.learningUntil(), active ? j.victim() : null);
        Status.Rates rates = step == null ? new Status.Rates(0, 0, 0) : new Status.Rates(
                Math.round(step.rates().packetsPps()), Math.round(step.rates().synPps()),
                Math.round(step.rates().droppedPps()));
        Map<Origin, Long> blocks = policy.countByOrigin(RuleKind.BLOCK);
        return new Status(iface, attachMode.get(), s.mode(), Duration.between(started, clock.instant()), attack,
                dataplane.counters().read(), rates,
                new Status.Lists(blocks.get(Origin.OPERATOR), blocks.get(Origin.AUTO), policy.size(RuleKind.ALLOW)),
                cookies, j.destinations());
    }
}

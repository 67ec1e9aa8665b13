package io.synguard.flowspec;

import io.synguard.dataplane.RuleKind;
import io.synguard.net.Family;
import io.synguard.net.Prefix;
import io.synguard.policy.Policy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host's blocks announced upstream as FlowSpec rules through a BGP speaker (gobgpd), which
 * only distributes: local enforcement never waits for it.
 *
 * <p>Each round ({@link #step}) reconciles: it ranks the blocks ({@link Selection}), lists this
 * host's paths in the speaker's table, and sends only the difference ({@link Plan}), so a restart
 * of this daemon finds its rules in place and sends nothing. A round runs when the lists changed
 * and every {@code resync} regardless (a speaker that restarted lost its paths). A speaker away
 * fails the round: retried after a backoff that doubles up to a minute, said in the status.
 *
 * <p>A round reads every block with its hits, about a second of CPU at a million blocks: after it,
 * the next round waits nine times as long as that reading took, so that while the lists keep
 * changing, as they do under attack, announcing takes at most a tenth of a core from the host it
 * protects. A retry after a failure waits for that too, and the status says when it comes.
 */
public final class Announcer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Announcer.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration LAST_RETRY = Duration.ofMinutes(1);
    /** After a round's reading of the lists, the time that took times this before the next round. */
    private static final int CALM = 9;

    /**
     * How to announce.
     *
     * @param target       gobgpd's gRPC address, HOST:PORT
     * @param action       what routers do with matching SYNs
     * @param max          the most rules announced
     * @param destinations the protected prefix of each family: the rules' destination, never a source
     * @param community    the standard community (ASN << 16 | value) that marks this host's paths
     * @param resync       how often the speaker's table is checked when nothing changed here
     */
    public record Options(String target, Action action, int max, Map<Family, Prefix> destinations, int community,
                          Duration resync) {
        public Options {
            if (max < 0) {
                throw new IllegalArgumentException("--flowspec-max is 0 or more, not " + max);
            }
            destinations = Map.copyOf(destinations);
        }
    }

    private final Options options;
    private final Speaker speaker;
    private final Policy policy;
    private final InstantSource clock;
    private final AtomicLong added = new AtomicLong();
    private final AtomicLong withdrawn = new AtomicLong();
    private volatile FlowSpecStatus status;
    private ScheduledExecutorService worker;
    private long changesSeen = -1;
    private Instant due = Instant.MIN;
    private Instant calmUntil = Instant.MIN;
    private int failures;

    Announcer(Options options, Speaker speaker, Policy policy, InstantSource clock) {
        this.options = options;
        this.speaker = speaker;
        this.policy = policy;
        this.clock = clock;
        this.status = new FlowSpecStatus("gobgp", options.target(), false, options.action().text(), options.max(),
                List.of(), 0, 0, 0, null, 0, 0, 0, null, null);
    }

    /** Announces through gobgpd at options' target; returns at once, the first round runs behind. */
    public static Announcer start(Options options, Policy policy, InstantSource clock) {
        Announcer a = new Announcer(options,
                new GobgpSpeaker(options.target(), new PathCodec(options.community()), Duration.ofSeconds(5)), policy,
                clock);
        a.worker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("synguard-flowspec").daemon()
                .factory());
        a.worker.scheduleWithFixedDelay(a::step, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("announcing blocks as FlowSpec ({}, at most {}) through gobgpd at {}", options.action().text(),
                options.max(), options.target());
        return a;
    }

    public FlowSpecStatus status() {
        return status;
    }

    /** One round if one is due: the lists changed, the resync or the retry came, and the last round's calm is over. */
    void step() {
        long changes = policy.changes();
        Instant now = clock.instant();
        if (now.isBefore(calmUntil) || changes == changesSeen && now.isBefore(due) || failures > 0 && now.isBefore(due)) {
            return;
        }
        try {
            reconcile();
            changesSeen = changes;
            failures = 0;
            due = now.plus(options.resync());
        } catch (RuntimeException e) {
            // gobgpd away or refusing (a SpeakerException), or anything else: the worker outlives the round
            Instant retry = now.plus(backoff(++failures));
            due = retry.isAfter(calmUntil) ? retry : calmUntil;
            String why = e instanceof Speaker.SpeakerException ? e.getMessage() : e.toString();
            if (failures == 1) {
                LOG.warn("FlowSpec through gobgpd at {} failed ({}); blocks stay enforced here, retrying",
                        options.target(), why);
            }
            status = failed(why, due);
        }
    }

    private void reconcile() {
        Instant reading = clock.instant();
        List<Prefix> allows = new ArrayList<>();
        policy.each(RuleKind.ALLOW).forEach(l -> allows.add(l.entry().prefix()));
        Selection wanted = Selection.of(policy.each(RuleKind.BLOCK), allows, options.destinations(), options.action(),
                options.max());
        Instant read = clock.instant();
        calmUntil = read.plus(Duration.between(reading, read).multipliedBy(CALM));
        Plan plan = Plan.between(wanted.rules(), speaker.ours());
        for (Speaker.Held h : plan.withdraw()) {
            speaker.withdraw(h);
            withdrawn.incrementAndGet();
        }
        for (FlowRule r : plan.add()) {
            speaker.add(r);
            added.incrementAndGet();
        }
        if (!plan.empty()) {
            LOG.info("FlowSpec: {} rules withdrawn, {} added; {} announced, {} enforced here only",
                    plan.withdraw().size(), plan.add().size(), wanted.rules().size(), wanted.localOnly());
        }
        status = new FlowSpecStatus("gobgp", options.target(), true, options.action().text(), options.max(),
                wanted.rules(), wanted.eligible(), wanted.localOnly(), wanted.excluded(), clock.instant(),
                added.get(), withdrawn.get(), 0, null, null);
    }

    private FlowSpecStatus failed(String error, Instant retryAt) {
        FlowSpecStatus s = status;
        return new FlowSpecStatus(s.speaker(), s.target(), false, s.action(), s.max(), s.announced(), s.eligible(),
                s.localOnly(), s.excluded(), s.lastReconcile(), added.get(), withdrawn.get(), failures, error, retryAt);
    }

    /** Half a second after the first failure, doubling up to a minute. */
    static Duration backoff(int failures) {
        Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 20));
        return d.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : d;
    }

    /** Stops announcing changes; what gobgpd holds stays (a restart takes it over without a flap). */
    @Override
    public void close() {
        if (worker != null) {
            worker.shutdown();
            try {
                // a round under way ends within gobgpd's deadline
                worker.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        speaker.close();
    }
}

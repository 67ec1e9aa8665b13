package io.synguard.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.api.ApiServer;
import io.synguard.api.Audit;
import io.synguard.api.OperatorLists;
import io.synguard.api.Service;
import io.synguard.api.Tokens;
import io.synguard.bpf.Bpffs;
import io.synguard.bpf.XdpMode;
import io.synguard.config.Settings;
import io.synguard.config.TokenFile;
import io.synguard.dataplane.Attachment;
import io.synguard.dataplane.CookieAck.CookieMethod;
import io.synguard.dataplane.Dataplane;
import io.synguard.dataplane.DataplaneConfig;
import io.synguard.dataplane.RateLimitEvents;
import io.synguard.dataplane.XdpTx;
import io.synguard.detect.DestinationRates;
import io.synguard.detect.SourceRates;
import io.synguard.detect.Status;
import io.synguard.fleet.Fleet;
import io.synguard.fleet.FleetStatus;
import io.synguard.flowspec.Announcer;
import io.synguard.flowspec.FlowSpecStatus;
import io.synguard.json.Json;
import io.synguard.metrics.Metrics;
import io.synguard.policy.KernelRules;
import io.synguard.policy.Policy;
import io.synguard.state.Journal;
import io.synguard.state.StateFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * synguard running on an interface: the data plane attached and enforcing, its lists restored from
 * the journal and the pinned maps, the control loop judging the SYN rate, and the API serving.
 * {@link #close} stops all but the data plane, which keeps enforcing unless asked to detach.
 */
public final class Daemon implements Service, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    private static final long EXPIRY_SWEEP_MS = 250;

    private final Options options;
    private final Dataplane dataplane;
    private final Journal journal;
    private final Policy policy;
    private final OperatorLists lists;
    private final Attachment attachment;
    private final Monitor monitor;
    private final Cookies cookies;
    private final Metrics metrics;
    private final ApiServer api;
    /** How long after a large import its garbage is collected (see reclaimSoon). */
    private static final long RECLAIM_DELAY_MS = 1000;
    private final ScheduledExecutorService scheduler;
    private final Thread eventsThread;
    private final RateLimitEvents events;
    private final Fleet fleet;
    private final Announcer announcer;
    private volatile Settings settings;
    private volatile boolean running = true;
    private ScheduledFuture<?> ticking;

    /**
     * How to run.
     *
     * @param iface         the interface to protect
     * @param attach        native, generic, or auto
     * @param mode          the mode to start in; null to keep the journaled one
     * @param api           how the API serves: where, HTTP or HTTPS, its limits
     * @param stateDir      journal, token, audit log
     * @param tokenFile     the API token's file
     * @param readTokenFile the read-only API token's file; null for none
     * @param configFile    settings to apply over the journaled ones at start; null for none
     * @param detachOnExit  take the program off the interface on a clean stop
     * @param pinDirectory  where the maps and the link are pinned
     * @param maxRules      rules the data plane's index takes, on first start
     * @param fleetEtcd     the etcd endpoints of the fleet this host joins; empty for none
     * @param fleet         how it takes part; null for no fleet
     * @param flowspec      how blocks are announced upstream through gobgpd; null for not at all
     * @param cookieMethod  how SYN cookies are to be validated; null to probe the kernel
     */
    public record Options(String iface, XdpMode attach, Settings.Mode mode, ApiServer.Config api, Path stateDir,
                          Path tokenFile, Path readTokenFile, Path configFile, boolean detachOnExit,
                          Path pinDirectory, int maxRules, List<String> fleetEtcd, Fleet.Options fleet,
                          Announcer.Options flowspec, CookieMethod cookieMethod) {}

    private Daemon(Options options, InstantSource clock) throws InterruptedException {
        this.options = options;
        try {
            prepareStateDir(options.stateDir());
            Tokens tokens = new Tokens(TokenFile.loadOrCreate(options.tokenFile()),
                    options.readTokenFile() == null ? null : TokenFile.loadOrCreate(options.readTokenFile()));
            ensureBpffs(options.pinDirectory());
            this.dataplane = Dataplane.load(Dataplane.Options.defaults().withMaxRules(options.maxRules())
                    .withPinDirectory(options.pinDirectory()));
            this.scheduler = Executors.newScheduledThreadPool(1, Thread.ofPlatform().name("synguard-loop").daemon().factory());
            this.journal = Journal.open(options.stateDir().resolve("journal"), Json.mapper());
            this.policy = new Policy(new KernelRules(dataplane), journal, clock, scheduler);
            Policy.Restored restored = policy.restore(Settings.DEFAULTS);
            LOG.info("restored {} blocks and {} allows ({} reinstated in the kernel, {} adopted from it, {} lapsed)",
                    restored.blocks(), restored.allows(), restored.reinstated(), restored.adopted(), restored.lapsed());
            if (restored.blocks() + restored.allows() >= OperatorLists.RECLAIM_FROM) {
                // the replay's garbage, as after a large import; queued behind the snapshot restore wrote
                scheduler.execute(Daemon::reclaimSoon);
            }
            this.settings = startingSettings(restored.settings(), options);
            policy.saveSettings(settings);
            apply(settings);

            this.metrics = new Metrics(this::status, policy::countByOrigin);
            this.cookies = Cookies.start(dataplane, options.iface(), options.pinDirectory(),
                    new Sysctls(Path.of("/proc/sys"), options.stateDir().resolve("sysctls.json")), metrics, clock,
                    options.cookieMethod());
            this.attachment = Attachment.attach(dataplane, options.iface(), options.attach(), options.pinDirectory());
            cookies.watchXdpTx(() -> XdpTx.unavailable(options.iface(), attachment.mode()));
            this.lists = new OperatorLists(policy, Daemon::reclaimSoon);
            this.monitor = new Monitor(dataplane, policy, metrics, clock, () -> settings, options.iface(), attachment::mode,
                    new StateFile(options.stateDir().resolve("baseline.json")));
            this.fleet = options.fleetEtcd().isEmpty() ? null
                    : Fleet.start(options.fleet(), options.fleetEtcd(), policy, clock, options.stateDir());
            if (fleet != null) {
                metrics.fleet(fleet::status);
            }
            this.announcer = options.flowspec() == null ? null : Announcer.start(options.flowspec(), policy, clock);
            if (announcer != null) {
                metrics.flowspec(announcer::status);
            }
            this.events = dataplane.openEvents();
            this.eventsThread = Thread.ofPlatform().name("synguard-events").daemon().start(this::pollEvents);
            schedule();
            scheduler.scheduleWithFixedDelay(this::sweep, EXPIRY_SWEEP_MS, EXPIRY_SWEEP_MS, TimeUnit.MILLISECONDS);
            scheduler.scheduleWithFixedDelay(this::rotateCookieSecret, 1, 1, TimeUnit.SECONDS);
            cookies.update(settings.cookies(), false);
            this.api = ApiServer.start(options.api(), this, tokens, new Audit(clock), metrics);
            LOG.info("synguard is protecting {} ({} mode, {}); API on {}://{}:{}", options.iface(), attachment.mode(),
                    settings.mode().text(), options.api().scheme(), api.address().getHostString(), api.address().getPort());
        } catch (RuntimeException | InterruptedException e) {
            LOG.error("synguard did not start; stopping what it had made");
            try {
                close();
            } catch (RuntimeException stopping) {
                e.addSuppressed(stopping);
            }
            throw e;
        }
    }

    /** Starts synguard; throws with a reason if anything is in the way, leaving nothing half-made. */
    public static Daemon start(Options options, InstantSource clock) throws InterruptedException {
        return new Daemon(options, clock);
    }

    public InetSocketAddress apiAddress() {
        return api.address();
    }

    /** Reads the API's TLS certificate and key again (on SIGHUP); says so in the log, and why not. */
    public void reloadTls() {
        if (options.api().tlsCert() == null) {
            LOG.info("SIGHUP: the API serves plain HTTP, no certificate to reload");
            return;
        }
        try {
            api.reloadTls();
            LOG.info("reloaded the API's TLS certificate and key");
        } catch (IllegalStateException e) {
            LOG.error("{}; the API keeps the ones it had", e.getMessage());
        }
    }

    // ---- Service -------------------------------------------------------------------------------

    @Override
    public boolean attached() {
        return running;
    }

    @Override
    public Status status() {
        return monitor.status(cookies.status());
    }

    @Override
    public List<SourceRates.SourceRate> top(int limit) {
        return monitor.top(limit);
    }

    @Override
    public List<DestinationRates.DestinationRate> topDestinations(int limit) {
        return monitor.topDestinations(limit);
    }

    @Override
    public OperatorLists lists() {
        return lists;
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public synchronized Settings configure(JsonNode patch) {
        Settings next = settings.patched(patch);
        long oldInterval = settings.detection().intervalMs();
        apply(next);
        policy.saveSettings(next);
        settings = next;
        monitor.configure(next);
        cookies.update(next.cookies(), monitor.randomAttack());
        if (next.detection().intervalMs() != oldInterval) {
            ticking.cancel(false);
            schedule();
        }
        LOG.info("settings now {}", next.toJson());
        return next;
    }

    @Override
    public FleetStatus fleet() {
        return fleet == null ? FleetStatus.NONE : fleet.status();
    }

    @Override
    public FlowSpecStatus flowspec() {
        return announcer == null ? FlowSpecStatus.NONE : announcer.status();
    }

    // ---- lifecycle -----------------------------------------------------------------------------

    @Override
    public void close() {
        running = false;
        RuntimeException first = null;
        for (Runnable step : stopSteps()) {
            try {
                step.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (attachment == null) {
            LOG.info("stopped; nothing was attached to {}", options.iface());
        } else {
            LOG.info(options.detachOnExit() ? "stopped; synguard is detached from {}"
                    : "stopped; the XDP program keeps enforcing on {}", options.iface());
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Stopping, step by step, in the reverse of the order start made things; what a start that failed
     * did not get to make is null and has no step.
     */
    private List<Runnable> stopSteps() {
        List<Runnable> steps = new ArrayList<>();
        ifMade(steps, api, ApiServer::close);
        ifMade(steps, fleet, Fleet::close);
        ifMade(steps, announcer, Announcer::close);
        ifMade(steps, scheduler, ScheduledExecutorService::shutdownNow);
        ifMade(steps, eventsThread, t -> stopEvents());
        ifMade(steps, cookies, c -> c.close(options.detachOnExit()));
        if (options.detachOnExit()) {
            ifMade(steps, attachment, Attachment::detach);
        }
        ifMade(steps, attachment, Attachment::close);
        ifMade(steps, journal, Journal::close);
        ifMade(steps, dataplane, Dataplane::close);
        return steps;
    }

    private static <T> void ifMade(List<Runnable> steps, T made, Consumer<T> step) {
        if (made != null) {
            steps.add(() -> step.accept(made));
        }
    }

    private void schedule() {
        long ms = settings.detection().intervalMs();
        ticking = scheduler.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            monitor.tick();
        } catch (RuntimeException e) {
            LOG.error("the control loop failed this interval; it goes on", e);
        }
        // apart, so that a failed block (a full rule table, say) never keeps the cookie step from switching
        try {
            cookies.update(settings.cookies(), monitor.randomAttack());
        } catch (RuntimeException e) {
            LOG.error("the cookie step could not switch this interval; it goes on", e);
        }
    }

    private void rotateCookieSecret() {
        try {
            cookies.rotateIfDue();
        } catch (RuntimeException e) {
            LOG.error("rotating the cookie secret failed; trying again in a second", e);
        }
    }

    private void sweep() {
        try {
            metrics.expired(policy.expire());
        } catch (RuntimeException e) {
            LOG.error("expiring entries failed; trying again shortly", e);
        }
    }

    private void pollEvents() {
        while (running) {
            try {
                events.poll(100, e -> monitor.reported(e.source()));
            } catch (RuntimeException e) {
                if (running) {
                    LOG.error("reading rate-limit events failed", e);
                }
            }
        }
    }

    private void stopEvents() {
        try {
            eventsThread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.close();
    }

    private void apply(Settings s) {
        DataplaneConfig config = dataplane.config();
        config.setMode(s.mode() == Settings.Mode.MONITOR ? DataplaneConfig.Mode.MONITOR : DataplaneConfig.Mode.ENFORCE);
        config.setRateLimit(s.rateLimit().synPps(), s.rateLimit().burst());
    }

    private static Settings startingSettings(Settings journaled, Options o) {
        Settings s = journaled;
        if (o.configFile() != null) {
            try {
                s = s.patched(Json.mapper().readTree(Files.readString(o.configFile())));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + o.configFile() + ": " + Settings.reason(e), e);
            }
        }
        if (o.mode() != null && o.mode() != s.mode()) {
            s = s.withMode(o.mode());
        }
        return s;
    }

    /** Makes the state directory, mode 0700, unless it exists: before anything writes into it. */
    public static void prepareStateDir(Path dir) {
        try {
            if (!Files.exists(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the state directory " + dir, e);
        }
    }

    private static void ensureBpffs(Path pinDirectory) {
        Path root = Bpffs.DEFAULT;
        if (!pinDirectory.startsWith(root) || Bpffs.mountedAt(root)) {
            return;
        }
        Bpffs.mount(root);
        LOG.warn("no BPF filesystem was mounted at {}; synguard mounted one. Its pins, and with them the blocks and"
                + " counters, outlive this process only as long as that mount: inside 'ip netns exec' it dies with"
                + " the command (run under 'nsenter --net=...' instead)", root);
    }

    /**
     * Collects a second after a large import, once its request and answer are gone: the launcher's
     * -XX:+ExplicitGCInvokesConcurrent makes it a concurrent cycle, after which G1 gives back what the
     * heap no longer needs (-XX:MaxHeapFreeRatio). Collected at once, the import's body and entries,
     * still referenced while it answers, would be kept, and the heap with them.
     */
    private static void reclaimSoon() {
        Thread.ofPlatform().daemon().name("synguard-reclaim").start(() -> {
            try {
                Thread.sleep(RECLAIM_DELAY_MS);
                System.gc();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}

package io.synguard.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.synguard.dataplane.Abi;
import io.synguard.dataplane.RuleKind;
import io.synguard.detect.Status;
import io.synguard.fleet.FleetStatus;
import io.synguard.flowspec.FlowSpecStatus;
import io.synguard.policy.Origin;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * synguard's metrics: every figure of the {@link Status} and the lists' sizes by origin, read when
 * taken, plus counters of detection's decisions, which the daemon feeds. How they are shown (the
 * API's {@code /metrics}) is not this class's business.
 */
public final class Metrics {
    /** Ports {@code synguard_destination_port_syn_per_second} shows at most: its labels stay few. */
    public static final int BUSIEST_PORTS = 10;
    /** The data plane's counters shown as synguard_NAME_total, NAME the counter's own in lower case, and their help. */
    private static final Map<Abi.Counter, String> TOTALS = new EnumMap<>(Map.ofEntries(
            Map.entry(Abi.Counter.PACKETS, "Frames the XDP program saw"),
            Map.entry(Abi.Counter.TCP, "TCP segments with a readable header"),
            Map.entry(Abi.Counter.SYN, "Initial SYNs"),
            Map.entry(Abi.Counter.SYN_PASSED, "SYNs passed"),
            Map.entry(Abi.Counter.DROPPED_BLOCKLIST, "SYNs dropped by the blocklist (monitor mode: would be)"),
            Map.entry(Abi.Counter.DROPPED_RATELIMIT, "SYNs dropped by the rate limiter (monitor mode: would be)"),
            Map.entry(Abi.Counter.PASSED_ALLOWLIST, "SYNs passed by the allowlist"),
            Map.entry(Abi.Counter.MALFORMED, "Frames with a header cut short or inconsistent"),
            Map.entry(Abi.Counter.COOKIES_SENT, "SYNs answered with a SYN cookie from XDP"),
            Map.entry(Abi.Counter.COOKIES_VALIDATED, "ACKs whose cookie was good, handed to the listener (those it"
                    + " refuses are counted unassigned too)"),
            Map.entry(Abi.Counter.COOKIES_REJECTED, "ACKs to a listener with a bad cookie, or over their source's burst"),
            Map.entry(Abi.Counter.COOKIES_UNASSIGNED, "Of the ACKs with a good cookie, those the listener took no"
                    + " request socket for (its queue full, say): the stack answers them with a RST")));
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter attacks;
    private final Counter autoBlocks;
    private final Counter widened;
    private final Counter spared;
    private final Counter expired;
    private final Counter cookieSwitches;
    /** Scrapes taken; what a {@link PerScrape} read belongs to the one under way. */
    private long scrapes;

    /**
     * @param statusNow the status now
     * @param listsNow  a list's sizes by origin now
     */
    public Metrics(Supplier<Status> statusNow, Function<RuleKind, Map<Origin, Long>> listsNow) {
        Supplier<Status> status = new PerScrape<>(statusNow);
        Supplier<Map<Origin, Long>> blocks = new PerScrape<>(() -> listsNow.apply(RuleKind.BLOCK));
        Supplier<Map<Origin, Long>> allows = new PerScrape<>(() -> listsNow.apply(RuleKind.ALLOW));
        attacks = Counter.builder().name("synguard_attacks").help("Attacks detected").register(registry);
        autoBlocks = Counter.builder().name("synguard_auto_blocks").help("Blocks placed by detection")
                .register(registry);
        widened = Counter.builder().name("synguard_auto_blocks_widened")
                .help("Automatic blocks of a whole prefix for the many offenders inside it").register(registry);
        spared = Counter.builder().name("synguard_offenders_spared")
                .help("Offenders not blocked because an allow contains them").register(registry);
        expired = Counter.builder().name("synguard_blocks_expired").help("Entries whose time ran out")
                .register(registry);
        cookieSwitches = Counter.builder().name("synguard_cookie_switches")
                .help("Times the SYN cookie step went on or off").register(registry);
        TOTALS.forEach((counter, help) -> CounterWithCallback.builder()
                .name("synguard_" + counter.name().toLowerCase(Locale.ROOT)).help(help)
                .callback(cb -> cb.call(status.get().totals().get(counter))).register(registry));
        gauge(status, "cookies_active", "1 while SYNs are answered with cookies", s -> s.cookies().active() ? 1 : 0);
        gauge(status, "packets_per_second", "Frames a second, last interval", s -> s.rates().packetsPps());
        gauge(status, "syn_per_second", "SYNs a second, last interval", s -> s.rates().synPps());
        gauge(status, "dropped_per_second", "SYNs dropped a second, last interval", s -> s.rates().droppedPps());
        gauge(status, "attack_active", "1 while an attack lasts", s -> s.attack().active() ? 1 : 0);
        gauge(status, "attack_threshold_syn_per_second", "The SYN rate an attack crosses",
                s -> s.attack().thresholdPps());
        gauge(status, "attack_baseline_syn_per_second", "The normal SYN rate learnt", s -> s.attack().baselinePps());
        gauge(status, "learning", "1 while the normal SYN rate is being learnt: only the hard threshold counts",
                s -> s.attack().learningUntil() != null ? 1 : 0);
        gauge(status, "attack_random_sources", "1 while the attack comes from sources too scattered to block",
                s -> s.attack().randomSources() ? 1 : 0);
        gauge(status, "uptime_seconds", "Seconds since the daemon started", s -> s.uptime().toSeconds());
        GaugeWithCallback.builder().name("synguard_destination_port_syn_per_second")
                .help("SYNs a second to a local port, last interval: the " + BUSIEST_PORTS + " busiest ports")
                .labelNames("port")
                .callback(cb -> status.get().destinations().busiestPorts(BUSIEST_PORTS)
                        .forEach(p -> cb.call(Math.round(p.synPps()), Integer.toString(p.port()))))
                .register(registry);
        gauge(status, "destination_unattributed_syn_per_second",
                "SYNs a second whose destination shared its victim table slot with a busier one",
                s -> Math.round(s.destinations().unattributedPps()));
        GaugeWithCallback.builder().name("synguard_blocks").help("Blocklist entries, by origin").labelNames("origin")
                .callback(cb -> blocks.get().forEach((o, n) -> cb.call(n, o.text())))
                .register(registry);
        GaugeWithCallback.builder().name("synguard_allows").help("Allowlist entries, by origin").labelNames("origin")
                .callback(cb -> allows.get().forEach((o, n) -> cb.call(n, o.text())))
                .register(registry);
    }

    /** Adds the fleet's figures, read from its status when taken. */
    public void fleet(Supplier<FleetStatus> fleetNow) {
        Supplier<FleetStatus> fleet = new PerScrape<>(fleetNow);
        gauge(fleet, "fleet_connected", "1 while etcd answers and the watch runs", f -> f.connected() ? 1 : 0);
        gauge(fleet, "fleet_members", "Members whose heartbeat etcd holds", f -> f.members().size());
        gauge(fleet, "fleet_revision", "The etcd revision this member has seen up to", FleetStatus::revision);
        gauge(fleet, "fleet_pending", "This host's changes queued, not yet published", FleetStatus::pending);
        gauge(fleet, "fleet_last_sync_timestamp_seconds", "When the whole store was last listed",
                f -> f.lastSync() == null ? 0 : f.lastSync().getEpochSecond());
        counter(fleet, "fleet_published", "Changes this host published", FleetStatus::published);
        counter(fleet, "fleet_applied", "Other members' changes applied here", FleetStatus::applied);
        counter(fleet, "fleet_relists", "Listings of the whole store after the first", FleetStatus::relists);
    }

    /** Adds the FlowSpec announcer's figures, read from its status when taken. */
    public void flowspec(Supplier<FlowSpecStatus> flowspecNow) {
        Supplier<FlowSpecStatus> f = new PerScrape<>(flowspecNow);
        gauge(f, "flowspec_connected", "1 while gobgpd answered the last round", s -> s.connected() ? 1 : 0);
        gauge(f, "flowspec_announced", "FlowSpec rules in gobgpd's table", s -> s.announced().size());
        gauge(f, "flowspec_local_only", "Blocks left out by --flowspec-max, enforced here only",
                FlowSpecStatus::localOnly);
        gauge(f, "flowspec_excluded", "Blocks never announced: they overlap an allowed or protected prefix",
                FlowSpecStatus::excluded);
        gauge(f, "flowspec_failures", "Rounds failed in a row (gobgpd away)", FlowSpecStatus::failures);
        gauge(f, "flowspec_last_reconcile_timestamp_seconds", "When gobgpd's table last matched what is wanted",
                s -> s.lastReconcile() == null ? 0 : s.lastReconcile().getEpochSecond());
        counter(f, "flowspec_added", "FlowSpec paths added", FlowSpecStatus::added);
        counter(f, "flowspec_withdrawn", "FlowSpec paths withdrawn", FlowSpecStatus::withdrawn);
    }

    private <T> void counter(Supplier<T> source, String name, String help, ToDoubleFunction<T> value) {
        CounterWithCallback.builder().name("synguard_" + name).help(help)
                .callback(cb -> cb.call(value.applyAsDouble(source.get()))).register(registry);
    }

    public void attackStarted() {
        attacks.inc();
    }

    public void autoBlocked(int blocks, int widenedPrefixes, int sparedOffenders) {
        autoBlocks.inc(blocks);
        widened.inc(widenedPrefixes);
        spared.inc(sparedOffenders);
    }

    public void cookiesSwitched() {
        cookieSwitches.inc();
    }

    public void expired(int n) {
        expired.inc(n);
    }

    /** Every metric's value now, from one reading of each source (the status is not cheap to make). */
    public synchronized MetricSnapshots snapshot() {
        scrapes++;
        return registry.scrape();
    }

    /** A gauge synguard_NAME read from source when taken. */
    private <T> void gauge(Supplier<T> source, String name, String help, ToDoubleFunction<T> value) {
        GaugeWithCallback.builder().name("synguard_" + name).help(help)
                .callback(cb -> cb.call(value.applyAsDouble(source.get()))).register(registry);
    }

    /** A source read once a scrape: the first metric of a scrape that asks reads it, the others share it. */
    private final class PerScrape<T> implements Supplier<T> {
        private final Supplier<T> source;
        private long scrape = -1;
        private T value;

        PerScrape(Supplier<T> source) {
            this.source = source;
        }

        @Override
        public T get() {
            if (scrape != scrapes) {
                value = source.get();
                scrape = scrapes;
            }
            return value;
        }
    }
}

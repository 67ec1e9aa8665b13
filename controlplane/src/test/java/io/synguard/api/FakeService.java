package io.synguard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.fleet.FleetStatus;
import io.synguard.config.Settings;
import io.synguard.dataplane.Abi.Counter;
import io.synguard.dataplane.CounterValues;
import io.synguard.dataplane.Rule;
import io.synguard.dataplane.RuleKind;
import io.synguard.dataplane.RuleSpec;
import io.synguard.detect.DestinationRates;
import io.synguard.detect.SourceRates;
import io.synguard.detect.Status;
import io.synguard.flowspec.FlowSpecStatus;
import io.synguard.json.Json;
import io.synguard.metrics.Metrics;
import io.synguard.net.Prefix;
import io.synguard.policy.Policy;
import io.synguard.policy.RuleStore;
import io.synguard.state.Journal;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A {@link Service} without a kernel: a real {@link Policy} over a {@link RecordingStore} (which
 * stands for the data plane and records every change made to it) and a journal in a temporary
 * directory, fixed status figures, and settings changed only by a patch {@link Settings#patched}
 * accepts.
 */
final class FakeService implements Service, AutoCloseable {
    static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    static final Status STATUS = new Status("eth0", "native", Settings.Mode.ENFORCE, Duration.ofSeconds(12),
            new Status.Attack(false, null, 7, 5000, false, 3, 0, 0, null, null),
            CounterValues.of(Map.ofEntries(Map.entry(Counter.PACKETS, 1001L), Map.entry(Counter.TCP, 1002L),
                    Map.entry(Counter.SYN, 1003L), Map.entry(Counter.SYN_PASSED, 1004L),
                    Map.entry(Counter.DROPPED_BLOCKLIST, 1005L), Map.entry(Counter.DROPPED_RATELIMIT, 1006L),
                    Map.entry(Counter.PASSED_ALLOWLIST, 1007L), Map.entry(Counter.MALFORMED, 1008L),
                    Map.entry(Counter.COOKIES_SENT, 1009L), Map.entry(Counter.COOKIES_VALIDATED, 1010L),
                    Map.entry(Counter.COOKIES_REJECTED, 1011L))),
            new Status.Rates(11, 12, 13),
            new Status.Lists(0, 0, 0),
            new Status.Cookies(Settings.Cookies.AUTO, true, NOW, "kfunc"), DestinationRates.Destinations.NONE);

    final RecordingStore store = new RecordingStore();
    /** Patches that were applied, in order; a refused patch is not here. */
    final List<JsonNode> applied = Collections.synchronizedList(new ArrayList<>());
    /** How the fleet stands: none unless a test joins one. */
    volatile FleetStatus fleet = FleetStatus.NONE;
    /** The limits top was asked for. */
    final List<Integer> topLimits = Collections.synchronizedList(new ArrayList<>());
    /** Times the lists asked for a collection after a large import. */
    final AtomicLong reclaims = new AtomicLong();
    volatile boolean attached = true;
    volatile List<SourceRates.SourceRate> top = List.of();
    volatile FlowSpecStatus flowspec = FlowSpecStatus.NONE;
    volatile List<DestinationRates.DestinationRate> destinations = List.of();
    /** The limits topDestinations was asked for. */
    final List<Integer> destinationLimits = Collections.synchronizedList(new ArrayList<>());
    volatile Status status = STATUS;

    private final Journal journal;
    private final Policy policy;
    private volatile Settings settings = Settings.DEFAULTS;

    FakeService(Path dir) {
        journal = Journal.open(dir.resolve("journal"), Json.mapper());
        policy = new Policy(store, journal, InstantSource.fixed(NOW), Runnable::run);
    }

    static SourceRates.SourceRate source(String address, double synPps, double droppedPps) {
        return new SourceRates.SourceRate(InetAddress.ofLiteral(address), synPps, droppedPps);
    }

    /** Metrics over this service's status and lists, as the daemon makes them. */
    Metrics metrics() {
        return new Metrics(this::status, policy::countByOrigin);
    }

    /** The real server over this service, as config says, taking tokens; the caller closes it. */
    ApiServer serve(ApiServer.Config config, Tokens tokens) throws InterruptedException {
        return ApiServer.start(config, this, tokens, new Audit(InstantSource.fixed(NOW)), metrics());
    }

    /** The endpoints over this service, /metrics behind the token. */
    Router router() {
        return new Endpoints(this, metrics(), new Audit(InstantSource.fixed(NOW))).router(false);
    }

    /** The policy behind the lists, for the tests to look into. */
    Policy policy() {
        return policy;
    }

    @Override
    public boolean attached() {
        return attached;
    }

    @Override
    public Status status() {
        return status;
    }

    @Override
    public FlowSpecStatus flowspec() {
        return flowspec;
    }

    @Override
    public List<SourceRates.SourceRate> top(int limit) {
        topLimits.add(limit);
        return top.stream().limit(limit).toList();
    }

    @Override
    public List<DestinationRates.DestinationRate> topDestinations(int limit) {
        destinationLimits.add(limit);
        return destinations.stream().limit(limit).toList();
    }

    @Override
    public OperatorLists lists() {
        return new OperatorLists(policy, reclaims::incrementAndGet);
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public synchronized Settings configure(JsonNode patch) {
        Settings next = settings.patched(patch);
        settings = next;
        applied.add(patch);
        return next;
    }

    @Override
    public void close() {
        journal.close();
    }

    /** The data plane's lists as a map, every change to them recorded as a line of text. */
    static final class RecordingStore implements RuleStore {
        final List<String> changes = Collections.synchronizedList(new ArrayList<>());
        final Map<Prefix, Long> hits = new ConcurrentHashMap<>();
        /** Times the hits of an entry were asked for: once an entry listed. */
        final AtomicLong hitsAsked = new AtomicLong();

        @Override
        public void put(RuleKind kind, Prefix prefix, boolean auto, Instant expires) {
            changes.add("put " + kind + " " + prefix + " expires " + expires);
        }

        @Override
        public void putAll(RuleKind kind, List<RuleSpec> specs) {
            changes.add("putAll " + kind + " " + specs.stream().map(s -> s.prefix().toString()).toList());
        }

        @Override
        public boolean remove(RuleKind kind, Prefix prefix) {
            changes.add("remove " + kind + " " + prefix);
            return false;
        }

        @Override
        public void forEach(RuleKind kind, Consumer<Rule> visitor) {
            // holds nothing
        }

        @Override
        public long hits(RuleKind kind, Prefix prefix) {
            hitsAsked.incrementAndGet();
            return hits.getOrDefault(prefix, 0L);
        }

        @Override
        public Optional<Prefix> longestContaining(RuleKind kind, Prefix prefix) {
            return Optional.empty();
        }
    }

    @Override
    public FleetStatus fleet() {
        return fleet;
    }
}

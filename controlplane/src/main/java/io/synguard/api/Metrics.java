package io.synguard.api;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.synguard.dataplane.RuleKind;
import io.synguard.policy.Origin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /metrics}: every figure of {@code /v1/status} and the lists' sizes by origin, read at
 * scrape time, plus counters of detection's decisions. Text exposition format 0.0.4.
 */
public final class Metrics {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter attacks;
    private final Counter autoBlocks;
    private final Counter widened;
    private final Counter spared;
    private final Counter expired;

    public Metrics(Supplier<Views.Status> status, Supplier<Map<RuleKind, Map<Origin, Long>>> lists) {
        attacks = Counter.builder().name("synguard_attacks").help("Attacks detected").register(registry);
        autoBlocks = Counter.builder().name("synguard_auto_blocks").help("Blocks placed by detection")
                .register(registry);
        widened = Counter.builder().name("synguard_auto_blocks_widened")
                .help("Automatic blocks of a whole prefix for the many offenders inside it").register(registry);
        spared = Counter.builder().name("synguard_offenders_spared")
                .help("Offenders not blocked because an allow contains them").register(registry);
        expired = Counter.builder().name("synguard_blocks_expired").help("Entries whose time ran out")
                .register(registry);
        totals(status, "packets", "Frames the XDP program saw", t -> t.packets());
        totals(status, "tcp", "TCP segments with a readable header", t -> t.tcp());
        totals(status, "syn", "Initial SYNs", t -> t.syn());
        totals(status, "syn_passed", "SYNs passed", t -> t.synPassed());
        totals(status, "dropped_blocklist", "SYNs dropped by the blocklist (monitor mode: would be)",
                t -> t.droppedBlocklist());
        totals(status, "dropped_ratelimit", "SYNs dropped by the rate limiter (monitor mode: would be)",
                t -> t.droppedRatelimit());
        totals(status, "passed_allowlist", "SYNs passed by the allowlist", t -> t.passedAllowlist());
        totals(status, "malformed", "Frames with a header cut short or inconsistent", t -> t.malformed());
        gauge(status, "packets_per_second", "Frames a second, last interval", s -> s.rates().packetsPps());
        gauge(status, "syn_per_second", "SYNs a second, last interval", s -> s.rates().synPps());
        gauge(status, "dropped_per_second", "SYNs dropped a second, last interval", s -> s.rates().droppedPps());
        gauge(status, "attack_active", "1 while an attack lasts", s -> s.attack().active() ? 1 : 0);
        gauge(status, "attack_threshold_syn_per_second", "The SYN rate an attack crosses",
                s -> s.attack().thresholdPps());
        gauge(status, "attack_baseline_syn_per_second", "The quiet-time SYN rate", s -> s.attack().baselinePps());
        gauge(status, "attack_random_sources", "1 while the attack comes from sources too scattered to block",
                s -> "random_sources".equals(s.attack().kind()) ? 1 : 0);
        gauge(status, "uptime_seconds", "Seconds since the daemon started", s -> s.uptimeS());
        GaugeWithCallback.builder().name("synguard_blocks").help("Blocklist entries, by origin").labelNames("origin")
                .callback(cb -> lists.get().get(RuleKind.BLOCK).forEach((o, n) -> cb.call(n, o.text())))
                .register(registry);
        GaugeWithCallback.builder().name("synguard_allows").help("Allowlist entries, by origin").labelNames("origin")
                .callback(cb -> lists.get().get(RuleKind.ALLOW).forEach((o, n) -> cb.call(n, o.text())))
                .register(registry);
    }

    public void attackStarted() {
        attacks.inc();
    }

    public void autoBlocked(int blocks, int widenedPrefixes, int sparedOffenders) {
        autoBlocks.inc(blocks);
        widened.inc(widenedPrefixes);
        spared.inc(sparedOffenders);
    }

    public void expired(int n) {
        expired.inc(n);
    }

    String scrape() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void totals(Supplier<Views.Status> status, String name, String help,
                        java.util.function.ToLongFunction<Views.Totals> value) {
        CounterWithCallback.builder().name("synguard_" + name).help(help)
                .callback(cb -> cb.call(value.applyAsLong(status.get().totals()))).register(registry);
    }

    private void gauge(Supplier<Views.Status> status, String name, String help,
                       java.util.function.ToDoubleFunction<Views.Status> value) {
        GaugeWithCallback.builder().name("synguard_" + name).help(help)
                .callback(cb -> cb.call(value.applyAsDouble(status.get()))).register(registry);
    }
}

package io.synguard.bench;

import io.synguard.bpf.NetNamespace;
import io.synguard.bpf.XdpMode;
import io.synguard.dataplane.Attachment;
import io.synguard.dataplane.Dataplane;
import io.synguard.dataplane.DataplaneConfig;
import io.synguard.dataplane.RuleSpec;
import io.synguard.net.Prefix;

import java.nio.file.Path;
import java.util.List;

/**
 * synguard's data plane as the daemon loads it, enforcing its default settings: the blocklist put in
 * through its rule list, the per-source limit on. The daemon's automatic blocking is left out: this compares
 * filters, not the mitigation (the service-under-attack benchmark has the daemon).
 */
final class SynguardFilter implements PeerFilter {
    private final BenchWorld world;
    private final Path namespace;
    private Path pins;
    private Dataplane dataplane;
    private Attachment attachment;

    SynguardFilter(BenchWorld world) {
        this.world = world;
        this.namespace = world.namespace(world.srv);
    }

    @Override
    public String name() {
        return "synguard";
    }

    @Override
    public String setup(PeerScenario scenario) {
        return "enforce, as shipped: block rules, per-source limit " + PeerScenario.RATE_LIMIT_PPS + " SYN/s (burst "
                + PeerScenario.RATE_LIMIT_BURST + ")";
    }

    @Override
    public void prepare(PeerScenario scenario, List<Prefix> blocklist) {
        closeDataplane();
        dataplane = Dataplane.load(Dataplane.Options.defaults());
        dataplane.config().setMode(DataplaneConfig.Mode.ENFORCE);
        dataplane.config().setRateLimit(PeerScenario.RATE_LIMIT_PPS, PeerScenario.RATE_LIMIT_BURST);
        dataplane.blocklist().putAll(blocklist.stream().map(p -> new RuleSpec(p, false, null)).toList());
        pins = world.pinDirectory("synguard");
    }

    @Override
    public void enable() {
        attachment = NetNamespace.inside(namespace, () -> Attachment.attach(dataplane, BenchWorld.IFACE, XdpMode.NATIVE, pins));
    }

    @Override
    public void disable() {
        if (attachment != null) {
            attachment.detach();
            attachment.close();
            attachment = null;
        }
    }

    @Override
    public void close() {
        disable();
        closeDataplane();
    }

    private void closeDataplane() {
        if (dataplane != null) {
            dataplane.close();
            dataplane = null;
        }
    }
}

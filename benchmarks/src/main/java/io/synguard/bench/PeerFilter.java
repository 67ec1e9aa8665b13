package io.synguard.bench;

import java.util.List;

import io.synguard.net.Prefix;

/**
 * A way to stop a SYN flood at the device under test, in the peers benchmark. The harness prepares
 * it once a scenario (tables can take long to fill), then puts it in the packet path for a trial
 * and takes it out again, so trials of different filters interleave.
 */
interface PeerFilter extends AutoCloseable {

    /** The name in the results: xdp_drop, xdp_pass, synguard, xdp-filter, nftables or iptables. */
    String name();

    /** How it is configured for scenario, in a few words. */
    String setup(PeerScenario scenario);

    /** Loads what scenario needs (blocklist: what to block); not yet in the packet path. */
    void prepare(PeerScenario scenario, List<Prefix> blocklist);

    void enable();

    void disable();

    /** Frames it dropped so far, as the device under test's counters or its own say: XDP drops by default. */
    default long dropped(BenchWorld.DutStats stats) {
        return stats.xdpDrops();
    }

    @Override
    void close();
}

package io.synguard.bench;

import io.synguard.net.Prefix;

import java.util.List;
import java.util.Map;

/**
 * nftables at the netdev ingress hook of the device under test, before the stack: a drop rule on the
 * source, an interval set for a blocklist, or a per-source limit in a dynamic set. A trial loads the
 * whole table and deletes it again: while a table holds a large set, nft takes minutes to list
 * anything (rules, counters, tables), and iptables-nft would pay that too. Its drops are what the
 * device took in and did not hand to IP, so nothing needs listing.
 */
final class NftablesFilter extends NetfilterPeer {
    private static final String TABLE = "netdev sgbench";

    NftablesFilter(BenchWorld world) {
        super(world, "nftables", "nftables.nft", Map.of(
                PeerScenario.SINGLE_SOURCE, "netdev ingress: ip saddr drop, one rule",
                PeerScenario.BLOCKLIST, "netdev ingress: ip saddr @set drop, an interval set of the blocklist",
                PeerScenario.RANDOM_SOURCE, "netdev ingress: SYNs over a per-source limit (a dynamic set with limit) dropped"));
    }

    @Override
    public void prepare(PeerScenario scenario, List<Prefix> blocklist) {
        StringBuilder table = new StringBuilder("table ").append(TABLE).append(" {\n");
        String rule = switch (scenario) {
            case SINGLE_SOURCE -> "ip saddr " + blocklist.getFirst().addressText() + " drop";
            case BLOCKLIST -> {
                table.append("  set blocklist { type ipv4_addr; flags interval; auto-merge; elements = { ");
                for (int i = 0; i < blocklist.size(); i++) {
                    table.append(i == 0 ? "" : ", ").append(blocklist.get(i));
                }
                table.append(" } }\n");
                yield "ip saddr @blocklist drop";
            }
            case RANDOM_SOURCE -> {
                table.append("  set limited { type ipv4_addr; size 65536; flags dynamic,timeout; timeout 60s; }\n");
                yield "meta l4proto tcp tcp flags & (syn|ack) == syn update @limited { ip saddr limit rate over "
                        + PeerScenario.RATE_LIMIT_PPS + "/second burst " + PeerScenario.RATE_LIMIT_BURST + " packets } drop";
            }
        };
        table.append("  chain ingress { type filter hook ingress device \"").append(BenchWorld.IFACE)
                .append("\" priority -500; policy accept; ").append(rule).append("; }\n}\n");
        write(table);
    }

    @Override
    public void enable() {
        tool("nft", "-f", file.toString());
    }

    @Override
    public void disable() {
        tool("sh", "-c", "nft delete table " + TABLE + " 2>/dev/null || true");
    }

    @Override
    public long dropped(BenchWorld.DutStats stats) {
        return stats.received() - stats.ipReceived();
    }

    @Override
    public void close() {
        disable();
    }
}

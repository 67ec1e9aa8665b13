package io.synguard.bench;

import io.synguard.json.Json;
import io.synguard.net.Prefix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * nftables at the netdev ingress hook of the device under test, before the stack: a drop rule on the
 * source, an interval set for a blocklist, or a per-source limit in a dynamic set. The table (and
 * its set, which takes long to fill) stays; a trial adds and removes the hooked chain.
 */
final class NftablesFilter implements PeerFilter {
    private static final String TABLE = "netdev sgbench";

    private final BenchWorld world;
    private final Path scratch;
    private String rule;

    NftablesFilter(BenchWorld world) {
        this.world = world;
        this.scratch = world.stateDir.resolve("nftables.nft");
    }

    @Override
    public String name() {
        return "nftables";
    }

    @Override
    public String setup(PeerScenario scenario) {
        return switch (scenario) {
            case SINGLE_SOURCE -> "netdev ingress: ip saddr drop, one rule";
            case BLOCKLIST -> "netdev ingress: ip saddr @set drop, an interval set of the blocklist";
            case RANDOM_SOURCE -> "netdev ingress: SYNs over a per-source limit (a dynamic set with limit) dropped";
        };
    }

    @Override
    public void prepare(PeerScenario scenario, List<Prefix> blocklist) {
        dropTable();
        StringBuilder table = new StringBuilder("table ").append(TABLE).append(" {\n");
        switch (scenario) {
            case SINGLE_SOURCE -> rule = "ip saddr " + blocklist.getFirst().addressText() + " counter drop";
            case BLOCKLIST -> {
                table.append("  set blocklist { type ipv4_addr; flags interval; auto-merge; elements = { ");
                for (int i = 0; i < blocklist.size(); i++) {
                    table.append(i == 0 ? "" : ", ").append(blocklist.get(i));
                }
                table.append(" } }\n");
                rule = "ip saddr @blocklist counter drop";
            }
            case RANDOM_SOURCE -> {
                table.append("  set limited { type ipv4_addr; size 65536; flags dynamic,timeout; timeout 60s; }\n");
                rule = "meta l4proto tcp tcp flags & (syn|ack) == syn update @limited { ip saddr limit rate over "
                        + PeerScenario.RATE_LIMIT_PPS + "/second burst " + PeerScenario.RATE_LIMIT_BURST
                        + " packets } counter drop";
            }
        }
        table.append("}\n");
        try {
            Files.writeString(scratch, table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        world.in(world.srv, "nft", "-f", scratch.toString());
    }

    @Override
    public void enable() {
        world.in(world.srv, "nft", "add chain " + TABLE + " ingress { type filter hook ingress device \"" + BenchWorld.IFACE
                + "\" priority -500; policy accept; }");
        world.in(world.srv, "nft", "add rule " + TABLE + " ingress " + rule);
    }

    @Override
    public void disable() {
        if (world.in(world.srv, "nft", "list chains").contains("chain ingress")) {
            world.in(world.srv, "nft", "delete chain " + TABLE + " ingress");
        }
    }

    @Override
    public long dropped(long xdpDrops) {
        JsonNode list;
        try {
            list = Json.mapper().readTree(world.in(world.srv, "nft", "-j", "list chain " + TABLE + " ingress")).get("nftables");
        } catch (IOException e) {
            throw new UncheckedIOException("nft -j printed no JSON", e);
        }
        for (JsonNode item : list) {
            for (JsonNode expr : item.path("rule").path("expr")) {
                if (expr.has("counter")) {
                    return expr.get("counter").get("packets").asLong();
                }
            }
        }
        throw new IllegalStateException("no counter in the nftables chain");
    }

    @Override
    public void close() {
        dropTable();
    }

    private void dropTable() {
        if (world.in(world.srv, "nft", "list tables").contains("table " + TABLE)) {
            world.in(world.srv, "nft", "delete table " + TABLE);
        }
    }
}

package io.synguard.bench;

import io.synguard.net.Prefix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * iptables in the raw table's PREROUTING, before connection tracking: a DROP rule on the source, an
 * ipset (hash:net) for a blocklist, or hashlimit per source for the rate limiter. The set stays; a
 * trial adds the rule and flushes it again.
 */
final class IptablesFilter implements PeerFilter {
    private static final String SET = "sgbench";

    private final BenchWorld world;
    private final Path scratch;
    private List<String> rule;

    IptablesFilter(BenchWorld world) {
        this.world = world;
        this.scratch = world.stateDir.resolve("ipset.restore");
    }

    @Override
    public String name() {
        return "iptables";
    }

    @Override
    public String setup(PeerScenario scenario) {
        return switch (scenario) {
            case SINGLE_SOURCE -> "raw PREROUTING: -s ADDRESS -j DROP";
            case BLOCKLIST -> "raw PREROUTING: -m set --match-set (an ipset hash:net of the blocklist) -j DROP";
            case RANDOM_SOURCE -> "raw PREROUTING: --syn -m hashlimit --hashlimit-mode srcip --hashlimit-above -j DROP";
        };
    }

    @Override
    public void prepare(PeerScenario scenario, List<Prefix> blocklist) {
        disable();
        if (world.in(world.srv, "ipset", "list", "-n").lines().anyMatch(SET::equals)) {
            world.in(world.srv, "ipset", "destroy", SET);
        }
        rule = switch (scenario) {
            case SINGLE_SOURCE -> List.of("-s", blocklist.getFirst().addressText());
            case BLOCKLIST -> {
                loadSet(blocklist);
                yield List.of("-m", "set", "--match-set", SET, "src");
            }
            case RANDOM_SOURCE -> List.of("-p", "tcp", "--syn", "-m", "hashlimit", "--hashlimit-above",
                    PeerScenario.RATE_LIMIT_PPS + "/sec", "--hashlimit-burst", Long.toString(PeerScenario.RATE_LIMIT_BURST),
                    "--hashlimit-mode", "srcip", "--hashlimit-name", SET, "--hashlimit-htable-size", "65536",
                    "--hashlimit-htable-max", "131072");
        };
    }

    private void loadSet(List<Prefix> blocklist) {
        StringBuilder restore = new StringBuilder("create ").append(SET).append(" hash:net family inet hashsize ")
                .append(Integer.highestOneBit(Math.max(1024, blocklist.size()))).append(" maxelem ")
                .append(Math.max(65536, blocklist.size() * 2)).append('\n');
        for (Prefix p : blocklist) {
            restore.append("add ").append(SET).append(' ').append(p).append('\n');
        }
        try {
            Files.writeString(scratch, restore);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        world.in(world.srv, "ipset", "restore", "-file", scratch.toString());
    }

    @Override
    public void enable() {
        List<String> command = new ArrayList<>(List.of("iptables", "-t", "raw", "-A", "PREROUTING"));
        command.addAll(rule);
        command.addAll(List.of("-j", "DROP"));
        world.in(world.srv, command.toArray(String[]::new));
    }

    @Override
    public void disable() {
        world.in(world.srv, "iptables", "-t", "raw", "-F", "PREROUTING");
    }

    @Override
    public long dropped(BenchWorld.DutStats stats) {
        String listing = world.in(world.srv, "iptables", "-t", "raw", "-L", "PREROUTING", "-n", "-v", "-x");
        return listing.lines().skip(2).findFirst().map(l -> Long.parseLong(l.strip().split("\\s+")[0]))
                .orElseThrow(() -> new IllegalStateException("no rule in raw PREROUTING:\n" + listing));
    }

    @Override
    public void close() {
        disable();
        if (world.in(world.srv, "ipset", "list", "-n").lines().anyMatch(SET::equals)) {
            world.in(world.srv, "ipset", "destroy", SET);
        }
    }
}

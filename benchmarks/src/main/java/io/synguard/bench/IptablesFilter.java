package io.synguard.bench;

import io.synguard.net.Prefix;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * iptables in the raw table's PREROUTING, before connection tracking: a DROP rule on the source, an
 * ipset (hash:net) for a blocklist, or hashlimit per source for the rate limiter. The set stays; a
 * trial adds the rule and flushes it again.
 */
final class IptablesFilter extends NetfilterPeer {
    private static final String SET = "sgbench";

    private List<String> rule;

    IptablesFilter(BenchWorld world) {
        super(world, "iptables", "ipset.restore", Map.of(
                PeerScenario.SINGLE_SOURCE, "raw PREROUTING: -s ADDRESS -j DROP",
                PeerScenario.BLOCKLIST, "raw PREROUTING: -m set --match-set (an ipset hash:net of the blocklist) -j DROP",
                PeerScenario.RANDOM_SOURCE, "raw PREROUTING: --syn -m hashlimit --hashlimit-mode srcip --hashlimit-above -j DROP"));
    }

    @Override
    public void prepare(PeerScenario scenario, List<Prefix> blocklist) {
        disable();
        if (tool("ipset", "list", "-n").lines().anyMatch(SET::equals)) {
            tool("ipset", "destroy", SET);
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
        write(restore);
        tool("ipset", "restore", "-file", file.toString());
    }

    @Override
    public void enable() {
        List<String> command = new ArrayList<>(List.of("iptables", "-t", "raw", "-A", "PREROUTING"));
        command.addAll(rule);
        command.addAll(List.of("-j", "DROP"));
        tool(command.toArray(String[]::new));
    }

    @Override
    public void disable() {
        tool("iptables", "-t", "raw", "-F", "PREROUTING");
    }

    @Override
    public long dropped(BenchWorld.DutStats stats) {
        String listing = tool("iptables", "-t", "raw", "-L", "PREROUTING", "-n", "-v", "-x");
        return listing.lines().skip(2).findFirst().map(l -> Long.parseLong(l.strip().split("\\s+")[0]))
                .orElseThrow(() -> new IllegalStateException("no rule in raw PREROUTING:\n" + listing));
    }

    @Override
    public void close() {
        disable();
        if (tool("ipset", "list", "-n").lines().anyMatch(SET::equals)) {
            tool("ipset", "destroy", SET);
        }
    }
}

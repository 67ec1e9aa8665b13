package io.synguard.bench;

import io.synguard.bpf.BpfMap;
import io.synguard.net.Prefix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * xdp-filter from xdp-tools, native mode, IPv4 source addresses in its hash. Its table holds
 * {@link #CAPACITY} addresses and no prefixes, so for the blocklist it gets as many of the attack's
 * addresses as fit, and for the rate limiter (it has none) every attacking address outright.
 *
 * <p>xdp-filter pins under /sys/fs/bpf: each call runs in a mount namespace of its own
 * ({@code ip netns exec}) with the benchmark's bpffs bound there, so nothing lands on the host's.
 */
final class XdpFilterTool implements PeerFilter {
    static final int CAPACITY = 10_000;
    /** MAP_FLAG_SRC: match the source address. */
    private static final long MATCH_SOURCE = 1;

    private final BenchWorld world;
    private final Path pins;
    private int[] addresses = new int[0];

    XdpFilterTool(BenchWorld world) {
        this.world = world;
        this.pins = world.pinDirectory("xdp-filter-root");
    }

    @Override
    public String name() {
        return "xdp-filter";
    }

    @Override
    public String setup(PeerScenario scenario) {
        int[] attackers = scenario.attackers();
        return attackers.length <= CAPACITY ? "its IPv4 source table: the " + attackers.length + " attacking address(es)"
                + (scenario.rateLimited() ? " (no rate limiter: blocked outright)" : "")
                : "its IPv4 source table: " + CAPACITY + " of the " + attackers.length + " attacking addresses (its table's size; no prefixes)";
    }

    @Override
    public void prepare(PeerScenario scenario, List<Prefix> blocklist) {
        int[] attackers = scenario.attackers();
        addresses = Arrays.copyOf(attackers, Math.min(attackers.length, CAPACITY));
    }

    @Override
    public void enable() {
        xdpFilter("load", BenchWorld.IFACE, "--mode", "native", "--features", "ipv4", "--policy", "allow");
        fill();
    }

    @Override
    public void disable() {
        if (Files.exists(pins.resolve("xdp-filter"))) {
            xdpFilter("unload", BenchWorld.IFACE);
        }
    }

    @Override
    public void close() {
        disable();
    }

    /** Puts the addresses into the loaded filter's table, one batch. */
    private void fill() {
        try (BpfMap table = BpfMap.openPinned(pins.resolve("xdp-filter/filter_ipv4")); Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(4L * addresses.length, 8);
            MemorySegment values = arena.allocate(table.valueBufferSize() * addresses.length, 8);
            long perCpu = table.valueSlot();
            long cpus = table.valueBufferSize() / perCpu;
            for (int i = 0; i < addresses.length; i++) {
                keys.set(ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 4L * i, addresses[i]);
                for (long c = 0; c < cpus; c++) {
                    values.set(ValueLayout.JAVA_LONG, table.valueBufferSize() * i + perCpu * c, MATCH_SOURCE);
                }
            }
            table.updateBatch(keys, values, addresses.length, BpfMap.ANY);
        }
    }

    private void xdpFilter(String... args) {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "mount --bind \"$0\" /sys/fs/bpf && exec xdp-filter \"$@\"",
                pins.toString()));
        command.addAll(List.of(args));
        world.in(world.srv, command.toArray(String[]::new));
    }
}

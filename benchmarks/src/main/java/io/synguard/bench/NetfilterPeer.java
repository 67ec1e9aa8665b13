package io.synguard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the in-kernel netfilter peers (nftables, iptables) share: the device under test's namespace
 * to run their tools in, a file in the state directory for what they load, and a name and a setup
 * a scenario.
 */
abstract class NetfilterPeer implements PeerFilter {
    final BenchWorld world;
    /** Where the filter writes what its tool loads. */
    final Path file;
    private final String name;
    private final Map<PeerScenario, String> setups;

    NetfilterPeer(BenchWorld world, String name, String file, Map<PeerScenario, String> setups) {
        this.world = world;
        this.name = name;
        this.file = world.stateDir.resolve(file);
        this.setups = Map.copyOf(setups);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String setup(PeerScenario scenario) {
        return setups.get(scenario);
    }

    /** Writes what the tool loads to {@link #file}. */
    void write(CharSequence text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the filter's tool in the device under test's namespace; its output. */
    String tool(String... command) {
        return world.in(world.srv, command);
    }
}

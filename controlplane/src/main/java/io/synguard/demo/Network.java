package io.synguard.demo;

import io.synguard.bpf.NetNamespace;
import io.synguard.host.NamespaceNetwork;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The demo's small internet: three network namespaces joined by veth pairs, addressed in the
 * benchmarking range 198.18.0.0/15 only.
 *
 * <pre>
 *   clients                       internet (a router)                         server
 *   cl0 198.18.1.11-20 ---- cl1 198.18.1.254   up0 198.18.0.254 ---- sgd0 198.18.0.1, port 8080
 *                           198.19.0.0/16 (the attackers) leads nowhere       synguard on sgd0
 * </pre>
 *
 * The floods leave the internet namespace on up0, straight into sgd0, as they would arrive on an
 * edge host's uplink; the clients' connections are routed in through the same link. The namespaces
 * are named sgdemo-PID-ROLE, so nothing else meets them; closing deletes them, and with them every
 * interface in them.
 */
final class Network implements AutoCloseable {
    static final String SERVER = "198.18.0.1";
    static final int PORT = 8080;
    static final String PROTECTED = "sgd0";
    static final String UPLINK = "up0";
    static final List<String> CLIENTS = clientAddresses(10);
    /** Where the attackers' addresses are: replies to them go nowhere. */
    static final String ATTACKERS = "198.19.0.0/16";
    static final byte[] PROTECTED_MAC = HexFormat.ofDelimiter(":").parseHex("02:5e:10:00:01:01");

    private static final String UPLINK_GATEWAY = "198.18.0.254";
    private static final String CLIENTS_GATEWAY = "198.18.1.254";

    private final String prefix;
    private final NamespaceNetwork network;

    /** The network of process pid, not made yet. */
    Network(long pid) {
        this.prefix = "sgdemo-" + pid + "-";
        this.network = new NamespaceNetwork(prefix);
    }

    /**
     * Makes the namespaces, links and routes. A close meanwhile, from another thread, waits for the
     * step under way and stops the rest.
     */
    void build() {
        String server = network.namespace("server");
        String internet = network.namespace("internet");
        String clients = network.namespace("clients");
        network.veth(server, PROTECTED, HexFormat.ofDelimiter(":").formatHex(PROTECTED_MAC), internet, UPLINK);
        network.veth(clients, "cl0", internet, "cl1");

        network.address(server, PROTECTED, SERVER + "/24");
        network.ip(server, "route", "add", "default", "via", UPLINK_GATEWAY);

        network.address(internet, UPLINK, UPLINK_GATEWAY + "/24");
        network.address(internet, "cl1", CLIENTS_GATEWAY + "/24");
        network.ip(internet, "route", "add", "blackhole", ATTACKERS);
        NetNamespace.run(path(internet), () -> write(Path.of("/proc/sys/net/ipv4/ip_forward"), "1"));

        for (String a : CLIENTS) {
            network.address(clients, "cl0", a + "/24");
        }
        network.ip(clients, "route", "add", "default", "via", CLIENTS_GATEWAY);
    }

    Path server() {
        return path(prefix + "server");
    }

    Path internet() {
        return path(prefix + "internet");
    }

    Path clients() {
        return path(prefix + "clients");
    }

    /** The namespaces' names. */
    List<String> names() {
        return List.of(prefix + "server", prefix + "internet", prefix + "clients");
    }

    /** The namespaces of this network that ip still lists. */
    List<String> remaining() {
        return network.remaining();
    }

    private static Path path(String name) {
        return NamespaceNetwork.path(name);
    }

    private static void write(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static List<String> clientAddresses(int n) {
        List<String> a = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            a.add("198.18.1." + (11 + i));
        }
        return List.copyOf(a);
    }

    /** Deletes every namespace made, the last first; throws the first failure after trying them all. */
    @Override
    public void close() {
        network.close();
    }
}

package io.synguard.demo;

import io.synguard.bpf.NetNamespace;

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
    private final List<String> made = new ArrayList<>();
    private boolean closed;

    /** The network of process pid, not made yet. */
    Network(long pid) {
        this.prefix = "sgdemo-" + pid + "-";
    }

    /**
     * Makes the namespaces, links and routes. A close meanwhile, from another thread, waits for the
     * step under way and stops the rest.
     */
    void build() {
        String server = add("server");
        String internet = add("internet");
        String clients = add("clients");
        ip(server, "link", "add", PROTECTED, "address", HexFormat.ofDelimiter(":").formatHex(PROTECTED_MAC),
                "type", "veth", "peer", "name", UPLINK, "netns", internet);
        ip(clients, "link", "add", "cl0", "type", "veth", "peer", "name", "cl1", "netns", internet);

        ip(server, "addr", "add", SERVER + "/24", "dev", PROTECTED);
        ip(server, "link", "set", PROTECTED, "up");
        ip(server, "route", "add", "default", "via", UPLINK_GATEWAY);

        ip(internet, "addr", "add", UPLINK_GATEWAY + "/24", "dev", UPLINK);
        ip(internet, "addr", "add", CLIENTS_GATEWAY + "/24", "dev", "cl1");
        ip(internet, "link", "set", UPLINK, "up");
        ip(internet, "link", "set", "cl1", "up");
        ip(internet, "route", "add", "blackhole", ATTACKERS);
        NetNamespace.run(path(internet), () -> write(Path.of("/proc/sys/net/ipv4/ip_forward"), "1"));

        for (String a : CLIENTS) {
            ip(clients, "addr", "add", a + "/24", "dev", "cl0");
        }
        ip(clients, "link", "set", "cl0", "up");
        ip(clients, "route", "add", "default", "via", CLIENTS_GATEWAY);
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
        return Command.run("ip", "netns", "list").lines().map(l -> l.split(" ")[0])
                .filter(n -> n.startsWith(prefix)).toList();
    }

    private synchronized String add(String role) {
        if (closed) {
            throw new IllegalStateException("the network was closed while it was being made");
        }
        String name = prefix + role;
        Command.run("ip", "netns", "add", name);
        made.add(name);
        ip(name, "link", "set", "lo", "up");
        return name;
    }

    private synchronized void ip(String namespace, String... arguments) {
        if (closed) {
            throw new IllegalStateException("the network was closed while it was being made");
        }
        String[] command = new String[arguments.length + 3];
        command[0] = "ip";
        command[1] = "-n";
        command[2] = namespace;
        System.arraycopy(arguments, 0, command, 3, arguments.length);
        Command.run(command);
    }

    private static Path path(String name) {
        return NetNamespace.named(name);
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
    public synchronized void close() {
        closed = true;
        RuntimeException first = null;
        for (String name : made.reversed()) {
            try {
                Command.run("ip", "netns", "del", name);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        made.clear();
        if (first != null) {
            throw first;
        }
    }
}

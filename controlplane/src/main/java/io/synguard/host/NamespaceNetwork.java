package io.synguard.host;

import io.synguard.bpf.NetNamespace;
import io.synguard.net.Prefix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Network namespaces joined by veth pairs, for the demo, the tests and the benchmarks. The
 * namespaces are named prefix + role, the prefix carrying the process id so that parallel runs do
 * not meet; addresses must lie in the benchmarking ranges 198.18.0.0/15 and 2001:2::/48. Closing
 * deletes the namespaces made, the last first, and with them every interface in them; a close
 * from another thread waits for the step under way and stops the rest.
 */
public final class NamespaceNetwork implements AutoCloseable {
    /** The only addresses a namespace network may use (RFC 2544, RFC 5180). */
    public static final List<Prefix> BENCHMARKING = List.of(Prefix.parse("198.18.0.0/15"), Prefix.parse("2001:2::/48"));

    private final String prefix;
    private final List<String> made = new ArrayList<>();
    private boolean closed;

    /** A network whose namespaces will be named prefix + role; none is made yet. */
    public NamespaceNetwork(String prefix) {
        this.prefix = prefix;
    }

    /** Runs steps on this network; if one fails, removes what was made and rethrows. */
    public NamespaceNetwork build(Consumer<NamespaceNetwork> steps) {
        try {
            steps.accept(this);
            return this;
        } catch (RuntimeException e) {
            try {
                close();
            } catch (RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
    }

    /** A new namespace with its loopback up; its name. */
    public synchronized String namespace(String role) {
        checkOpen();
        String name = prefix + role;
        HostCommand.run("ip", "netns", "add", name);
        made.add(name);
        ip(name, "link", "set", "lo", "up");
        return name;
    }

    /** A veth pair, a in namespace na and b in nb, both up. */
    public void veth(String na, String a, String nb, String b) {
        veth(na, a, null, nb, b);
    }

    /** As {@link #veth(String, String, String, String)}, a with the MAC address mac (aa:bb:...) if not null. */
    public void veth(String na, String a, String mac, String nb, String b) {
        List<String> add = new ArrayList<>(List.of("link", "add", a));
        if (mac != null) {
            add.addAll(List.of("address", mac));
        }
        add.addAll(List.of("type", "veth", "peer", "name", b, "netns", nb));
        ip(na, add.toArray(String[]::new));
        ip(na, "link", "set", a, "up");
        ip(nb, "link", "set", b, "up");
    }

    /** Gives device in namespace the address (address/length); an IPv6 one without duplicate detection. */
    public void address(String namespace, String device, String address) {
        String host = address.substring(0, address.indexOf('/'));
        if (BENCHMARKING.stream().noneMatch(range -> range.contains(Prefix.parse(host)))) {
            throw new IllegalArgumentException(address + " is outside the benchmarking ranges " + BENCHMARKING);
        }
        if (host.contains(":")) {
            ip(namespace, "addr", "add", address, "dev", device, "nodad");
        } else {
            ip(namespace, "addr", "add", address, "dev", device);
        }
    }

    /** {@code ip -n namespace arguments...}: a step of building the network; its output. */
    public synchronized String ip(String namespace, String... arguments) {
        checkOpen();
        List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
        command.addAll(List.of(arguments));
        return HostCommand.run(HostCommand.LIMIT, command);
    }

    /** Runs a command inside namespace, within {@link HostCommand#LIMIT}; its output. */
    public String exec(String namespace, String... command) {
        return exec(HostCommand.LIMIT, namespace, command);
    }

    /** Runs a command inside namespace, within limit; its output. */
    public String exec(java.time.Duration limit, String namespace, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        return HostCommand.run(limit, full);
    }

    /** The namespaces' names, in the order made. */
    public synchronized List<String> names() {
        return List.copyOf(made);
    }

    /** The namespaces of this network's prefix that ip still lists. */
    public List<String> remaining() {
        return HostCommand.run("ip", "netns", "list").lines().map(l -> l.split(" ")[0])
                .filter(n -> n.startsWith(prefix)).toList();
    }

    /** Where namespace name is mounted, to enter it. */
    public static Path path(String name) {
        return NetNamespace.named(name);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the network was closed while it was being made");
        }
    }

    /** Deletes every namespace made, the last first; throws the first failure after trying them all. */
    @Override
    public synchronized void close() {
        closed = true;
        RuntimeException first = null;
        for (String name : made.reversed()) {
            try {
                HostCommand.run("ip", "netns", "del", name);
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

package io.synguard.testing;

import io.synguard.bpf.NetNamespace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Network namespaces a test makes for itself, named after this JVM so parallel runs do not meet,
 * and removed on close (which also removes every interface in them), failure or not.
 */
public final class TestNetwork implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final List<String> namespaces = new ArrayList<>();

    /** A new empty namespace with its loopback up; its name. */
    public String namespace(String role) {
        String name = "sgt-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + "-" + role;
        Commands.run("ip", "netns", "add", name);
        namespaces.add(name);
        exec(name, "ip", "link", "set", "lo", "up");
        return name;
    }

    /** Runs a command inside namespace. */
    public String exec(String namespace, String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = namespace;
        System.arraycopy(command, 0, full, 4, command.length);
        return Commands.run(full);
    }

    /** A veth pair a (in namespace na) to b (in nb), both up. */
    public void veth(String na, String a, String nb, String b) {
        exec(na, "ip", "link", "add", a, "type", "veth", "peer", "name", b, "netns", nb);
        exec(na, "ip", "link", "set", a, "up");
        exec(nb, "ip", "link", "set", b, "up");
    }

    public static Path path(String namespace) {
        return NetNamespace.named(namespace);
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (String ns : namespaces.reversed()) {
            try {
                Commands.run("ip", "netns", "del", ns);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        namespaces.clear();
        if (first != null) {
            throw first;
        }
    }
}

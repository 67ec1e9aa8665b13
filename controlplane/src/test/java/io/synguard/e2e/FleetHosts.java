package io.synguard.e2e;

import io.synguard.host.NamespaceNetwork;
import io.synguard.testing.DaemonProcess;
import io.synguard.testing.HttpInNamespace;
import io.synguard.testing.RequiredTool;
import io.synguard.testing.Tcp;
import io.synguard.testing.Teardown;
import io.synguard.testing.TempBpffs;
import io.synguard.testing.TestNetwork;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fleet of three synguard hosts and one etcd. Namespace "core" holds etcd (its client port on
 * every address of its own) and the clients; host i (1..3) is namespace "hi", its protected
 * interface sgdi (198.18.1i.1/24) joined to core's sgci (198.18.1i.2/24), a TCP server on port
 * 8080, and a daemon with --host-id edge-i. Clients connect from 198.18.1.2 (the prefix the tests
 * block) and 198.18.0.2. Closing ends the daemons and etcd by pid and removes the namespaces,
 * pins and data directories, failure or not.
 */
final class FleetHosts implements AutoCloseable {
    static final int HOSTS = 3;
    static final String BLOCKED_CLIENT = "198.18.1.2";
    static final String OTHER_CLIENT = "198.18.0.2";
    static final int PORT = 8080;
    private static final Duration CONNECT = Duration.ofMillis(700);

    private final NamespaceNetwork network = TestNetwork.create();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final DaemonProcess[] daemons = new DaemonProcess[HOSTS + 1];
    private final HttpInNamespace[] apis = new HttpInNamespace[HOSTS + 1];
    private final Path[] namespaces = new Path[HOSTS + 1];
    private final Path root;
    private final Path core;
    private final TempBpffs bpffs;
    private final Path etcdBinary;
    private Process etcd;

    FleetHosts() {
        etcdBinary = RequiredTool.require("etcd", "apt-get install etcd-server (./synguard setup does)");
        try {
            root = Files.createTempDirectory("synguard-fleet-");
            bpffs = new TempBpffs();
            String coreName = network.namespace("core");
            core = NamespaceNetwork.path(coreName);
            for (String a : List.of(BLOCKED_CLIENT, OTHER_CLIENT)) {
                network.address(coreName, "lo", a + "/32");
            }
            for (int i = 1; i <= HOSTS; i++) {
                String name = network.namespace("h" + i);
                namespaces[i] = NamespaceNetwork.path(name);
                network.veth(name, "sgd" + i, coreName, "sgc" + i);
                network.address(name, "sgd" + i, server(i) + "/24");
                network.address(coreName, "sgc" + i, etcdAddress(i) + "/24");
                network.ip(name, "route", "add", "default", "via", etcdAddress(i));
                closing.add(new Tcp.Server(namespaces[i], PORT, server(i)));
                apis[i] = new HttpInNamespace(namespaces[i], new InetSocketAddress("127.0.0.1", 9780));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    static String server(int i) {
        return "198.18.1" + i + ".1";
    }

    /** Core's address on host i's link, where host i reaches etcd. */
    static String etcdAddress(int i) {
        return "198.18.1" + i + ".2";
    }

    /** Starts etcd in core on the data directory it used before, if any; waits until it answers. */
    void startEtcd() {
        Path data = root.resolve("etcd");
        List<String> command = List.of("nsenter", "--net=" + core, etcdBinary.toString(), "--name", "fleet-test",
                "--data-dir", data.toString(), "--listen-client-urls", "http://0.0.0.0:2379",
                "--advertise-client-urls", "http://" + etcdAddress(1) + ":2379",
                "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
                "--initial-cluster", "fleet-test=http://127.0.0.1:2380");
        try {
            etcd = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("etcd.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start etcd", e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!etcdctl("endpoint", "health").contains("is healthy")) {
            if (!etcd.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("etcd did not start:\n" + etcdLog());
            }
            sleep(100);
        }
    }

    /** Ends etcd by its pid (SIGTERM, then SIGKILL), keeping its data. */
    void stopEtcd() {
        if (etcd == null) {
            return;
        }
        try {
            etcd.destroy();
            if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
                etcd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        etcd = null;
    }

    /** etcdctl against the test's etcd; its output, or the error's text. */
    String etcdctl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=" + core, "etcdctl",
                "--endpoints=http://" + etcdAddress(1) + ":2379", "--command-timeout=2s"));
        command.addAll(List.of(arguments));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "(etcdctl timed out)";
            }
            return new String(p.getInputStream().readAllBytes());
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Starts host i's daemon (again, on the state it had, after a kill) and waits for its API. */
    DaemonProcess startDaemon(int i) {
        Path state = root.resolve("state-" + i);
        DaemonProcess d = DaemonProcess.start(namespaces[i], state, List.of("--iface", "sgd" + i, "--pin-dir",
                bpffs.root().resolve("sgd" + i).toString(), "--fleet-etcd", "http://" + etcdAddress(i) + ":2379",
                "--host-id", "edge-" + i));
        daemons[i] = d;
        d.awaitReady(() -> {
            apis[i].token(null);
            return apis[i].get("/healthz").status() == 200;
        }, Duration.ofSeconds(30));
        try {
            apis[i].token(Files.readString(state.resolve("token")).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d;
    }

    DaemonProcess daemon(int i) {
        return daemons[i];
    }

    HttpInNamespace api(int i) {
        return apis[i];
    }

    /** Takes host i's link to core down or up: a partition. */
    void link(int i, boolean up) {
        network.ip(core.getFileName().toString(), "link", "set", "sgc" + i, up ? "up" : "down");
    }

    boolean connects(String source, int host) {
        return Tcp.connects(core, source, server(host), PORT, CONNECT);
    }

    String etcdLog() {
        try {
            return Files.readString(root.resolve("etcd.log"));
        } catch (IOException e) {
            return "(no etcd log)";
        }
    }

    @Override
    public void close() {
        List<Teardown.Step> steps = new ArrayList<>();
        for (DaemonProcess d : daemons) {
            if (d != null) {
                steps.add(d::close);
            }
        }
        steps.add(this::stopEtcd);
        closing.forEach(c -> steps.add(c::close));
        steps.add(network::close);
        steps.add(() -> {
            if (bpffs != null) {
                bpffs.close();
            }
        });
        steps.add(() -> Teardown.deleteTree(root));
        Teardown.all(steps);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

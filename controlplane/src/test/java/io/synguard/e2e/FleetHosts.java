package io.synguard.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.host.NamespaceNetwork;
import io.synguard.testing.DaemonProcess;
import io.synguard.testing.HttpInNamespace;
import io.synguard.testing.HttpInNamespace.Reply;
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
import java.util.function.BooleanSupplier;

import static io.synguard.testing.DaemonProcess.sleep;

/**
 * A fleet of three synguard hosts and an etcd of one or three members. Namespace "core" holds etcd
 * (client ports 2379, 12379, 22379 on every address of its own) and the clients; host i (1..3) is namespace "hi", its protected
 * interface sgdi (198.18.1i.1/24) joined to core's sgci (198.18.1i.2/24), a TCP server on port
 * 8080, and a daemon with --host-id edge-i. Clients connect from 198.18.1.2 (the prefix the tests
 * block) and 198.18.0.2; floods come from 198.18.2.66. Closing ends the daemons and etcd by pid and removes the namespaces,
 * pins and data directories, failure or not.
 */
final class FleetHosts implements AutoCloseable {
    static final int HOSTS = 3;
    static final String BLOCKED_CLIENT = "198.18.1.2";
    static final String OTHER_CLIENT = "198.18.0.2";
    /** A single-source flood's source. */
    static final String ATTACKER = "198.18.2.66";
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
    private final Process[] etcd;

    /** The world, with an etcd of that many members (not started yet). */
    FleetHosts(int etcdMembers) {
        etcd = new Process[etcdMembers];
        etcdBinary = RequiredTool.require("etcd", "apt-get install etcd-server (./synguard setup does)");
        try {
            root = Files.createTempDirectory("synguard-fleet-");
            bpffs = new TempBpffs();
            String coreName = network.namespace("core");
            core = NamespaceNetwork.path(coreName);
            for (String a : List.of(BLOCKED_CLIENT, OTHER_CLIENT, ATTACKER)) {
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

    /** Starts etcd's members in core on the data directories they used before, if any; waits until they answer. */
    void startEtcd() {
        for (int m = 0; m < etcd.length; m++) {
            startEtcd(m);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (etcdctl("endpoint", "health").split("is healthy", -1).length - 1 < etcd.length) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("etcd did not start:\n" + etcdLog());
            }
            sleep(100);
        }
    }

    /** Member m: client port 2379 + 10000 m on every address of core, peer port 2380 + 10000 m on its loopback. */
    private void startEtcd(int m) {
        StringBuilder cluster = new StringBuilder();
        for (int k = 0; k < etcd.length; k++) {
            cluster.append(k == 0 ? "" : ",").append("m").append(k).append("=http://127.0.0.1:").append(2380 + 10000 * k);
        }
        String peer = "http://127.0.0.1:" + (2380 + 10000 * m);
        List<String> command = List.of("nsenter", "--net=" + core, etcdBinary.toString(), "--name", "m" + m,
                "--data-dir", root.resolve("etcd-" + m).toString(),
                "--listen-client-urls", "http://0.0.0.0:" + clientPort(m),
                "--advertise-client-urls", "http://" + etcdAddress(1) + ":" + clientPort(m),
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", cluster.toString());
        try {
            etcd[m] = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("etcd.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start etcd", e);
        }
    }

    private static int clientPort(int member) {
        return 2379 + 10000 * member;
    }

    /** Ends every etcd member by its pid (SIGTERM, then SIGKILL), keeping their data. */
    void stopEtcd() {
        for (int m = 0; m < etcd.length; m++) {
            stopEtcd(m, false);
        }
    }

    /** Ends every etcd member and deletes their data, as a disk lost. */
    void wipeEtcd() {
        stopEtcd();
        for (int m = 0; m < etcd.length; m++) {
            Teardown.deleteTree(root.resolve("etcd-" + m));
        }
    }

    /** Ends etcd member m by its pid: SIGKILL if kill, else SIGTERM (then SIGKILL after 10 s). */
    void stopEtcd(int m, boolean kill) {
        Process p = etcd[m];
        if (p == null) {
            return;
        }
        try {
            if (kill) {
                p.destroyForcibly();
            } else {
                p.destroy();
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        etcd[m] = null;
    }

    /** The etcd member that leads now, by the status every member gives. */
    int etcdLeader() {
        String status = etcdctl("endpoint", "status", "-w", "json");
        String leader = status.replaceAll("(?s).*?\"leader\":(\\d+).*", "$1");
        for (int m = 0; m < etcd.length; m++) {
            String endpoint = "\"Endpoint\":\"http://" + etcdAddress(1) + ":" + clientPort(m) + "\"";
            int at = status.indexOf(endpoint);
            if (at >= 0 && status.substring(at).replaceAll("(?s).*?\"member_id\":(\\d+).*", "$1").equals(leader)) {
                return m;
            }
        }
        throw new AssertionError("no leader in " + status);
    }

    /** The endpoints host i is given, one per member. */
    private String endpoints(int i) {
        StringBuilder urls = new StringBuilder();
        for (int m = 0; m < etcd.length; m++) {
            urls.append(m == 0 ? "" : ",").append("http://").append(etcdAddress(i)).append(':').append(clientPort(m));
        }
        return urls.toString();
    }

    /** etcdctl against the test's etcd; its output, or the error's text. */
    String etcdctl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=" + core, "etcdctl",
                "--endpoints=" + endpoints(1), "--command-timeout=2s"));
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
                bpffs.root().resolve("sgd" + i).toString(), "--fleet-etcd", endpoints(i),
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

    /** {@code synguard ARGS} run in host i's namespace against its daemon; the output. */
    String cli(int i, String... arguments) {
        List<String> args = new ArrayList<>(List.of(arguments));
        args.addAll(List.of("--state-dir", root.resolve("state-" + i).toString()));
        return DaemonProcess.command(namespaces[i], args);
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

    /** A SYN flood from source against host's server: up to count SYNs within limit; the SYNs sent. */
    long flood(String source, int host, long count, Duration limit) {
        return Tcp.synFlood(core, source, server(host), PORT, count, limit);
    }

    boolean connects(String source, int host) {
        return Tcp.connects(core, source, server(host), PORT, CONNECT);
    }

    /** Starts etcd, then every host's daemon, and waits until each is connected and sees all three. */
    void startAll() {
        startEtcd();
        for (int i = 1; i <= HOSTS; i++) {
            startDaemon(i);
        }
        for (int i = 1; i <= HOSTS; i++) {
            int host = i;
            await("edge-" + i + " connected with three members", Duration.ofSeconds(15),
                    () -> fleetOf(host).get("connected").asBoolean() && fleetOf(host).get("members").size() == HOSTS);
        }
    }

    Reply block(int host, String json) {
        return apis[host].post("/v1/blocks", json);
    }

    /** Host's block of prefix as its API lists it; null if it has none. */
    JsonNode held(int host, String prefix) {
        for (JsonNode b : apis[host].get("/v1/blocks").json()) {
            if (b.get("prefix").asText().equals(prefix)) {
                return b;
            }
        }
        return null;
    }

    JsonNode fleetOf(int host) {
        return apis[host].get("/v1/fleet").json();
    }

    /** The blocks host holds from the fleet, as its metrics count them. */
    long fleetBlocks(int host) {
        String metrics = apis[host].get("/metrics").body();
        return metrics.lines().filter(l -> l.startsWith("synguard_blocks{origin=\"fleet\"}"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0);
    }

    /** The mod revision etcd holds for key, as etcdctl prints it. */
    String modRevision(String key) {
        return etcdctl("get", key, "-w", "json").replaceAll("(?s).*\"mod_revision\":(\\d+).*", "$1");
    }

    /** Waits until done, polling every 5 ms; fails saying what did not happen in time. */
    static void await(String what, Duration limit, BooleanSupplier done) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + limit);
            }
            sleep(5);
        }
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
        steps.add(Teardown.closing(bpffs));
        steps.add(() -> Teardown.deleteTree(root));
        Teardown.all(steps);
    }
}

package io.synguard.e2e;

import io.synguard.host.NamespaceNetwork;
import io.synguard.testing.DaemonProcess;
import io.synguard.testing.HttpInNamespace;
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

/**
 * The world of an end-to-end test: a protected host (namespace "srv", interface sgd0, a TCP server
 * on port 8080) and the internet in front of it (namespace "net", interface sgc0, with a legitimate
 * client, a prefix to block, and an attacker), joined by a veth pair, all in the benchmarking
 * ranges. synguard runs as a process in srv with its pins on a private bpffs. Closing removes the
 * daemon, the pins, the namespaces and the state, failure or not.
 */
final class ProtectedHost implements AutoCloseable {
    static final String IFACE = "sgd0";
    static final String SERVER = "198.18.0.1";
    static final String SERVER6 = "2001:2::1";
    static final String LEGIT = "198.18.0.2";
    static final String LEGIT6 = "2001:2::2";
    /** Two hosts in 198.18.1.0/24, the prefix the tests block. */
    static final String NEIGHBOUR_A = "198.18.1.2";
    static final String NEIGHBOUR_B = "198.18.1.3";
    /** In 2001:2:0:1::/64. */
    static final String NEIGHBOUR6 = "2001:2:0:1::2";
    static final String ATTACKER = "198.19.0.66";
    static final int PORT = 8080;
    static final Duration CONNECT = Duration.ofMillis(700);

    private final NamespaceNetwork network = TestNetwork.create();
    private final TempBpffs bpffs;
    private final Tcp.Server server;
    private final Path stateDir;
    private final List<DaemonProcess> daemons = new ArrayList<>();
    final Path srv;
    final Path net;
    final HttpInNamespace api;

    ProtectedHost() {
        try {
            String srvName = network.namespace("srv");
            String netName = network.namespace("net");
            srv = NamespaceNetwork.path(srvName);
            net = NamespaceNetwork.path(netName);
            network.veth(srvName, IFACE, netName, "sgc0");
            network.address(srvName, IFACE, SERVER + "/15");
            network.address(srvName, IFACE, SERVER6 + "/48");
            for (String a : List.of(LEGIT, NEIGHBOUR_A, NEIGHBOUR_B, ATTACKER)) {
                network.address(netName, "sgc0", a + "/15");
            }
            for (String a : List.of(LEGIT6, NEIGHBOUR6)) {
                network.address(netName, "sgc0", a + "/48");
            }
            bpffs = new TempBpffs();
            stateDir = Files.createTempDirectory("synguard-e2e-");
            server = new Tcp.Server(srv, PORT, SERVER, SERVER6);
            api = new HttpInNamespace(srv, new InetSocketAddress("127.0.0.1", 9780));
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** Starts the daemon with these extra run options and waits for /healthz; the client uses its token. */
    DaemonProcess startDaemon(String... options) {
        return startDaemonOn(IFACE, options);
    }

    /** As {@link #startDaemon}, on another interface of srv. */
    DaemonProcess startDaemonOn(String iface, String... options) {
        return awaitApi(launch(iface, options));
    }

    /** Waits until daemon answers /healthz; from then the client uses its token. */
    DaemonProcess awaitApi(DaemonProcess daemon) {
        daemon.awaitReady(() -> {
            api.token(null);
            return api.get("/healthz").status() == 200;
        }, Duration.ofSeconds(30));
        api.token(token());
        return daemon;
    }

    /** Starts the daemon on iface of srv without waiting for it. */
    DaemonProcess launch(String iface, String... options) {
        return launchWrapped(List.of(), iface, options);
    }

    /** As {@link #launch}, the JVM started through wrapper (setpriv with its options, say). */
    DaemonProcess launchWrapped(List<String> wrapper, String iface, String... options) {
        List<String> args = new ArrayList<>(List.of("--iface", iface, "--pin-dir",
                bpffs.root().resolve(iface).toString()));
        args.addAll(List.of(options));
        return adopt(DaemonProcess.start(srv, stateDir, wrapper, args));
    }

    /** A daemon started some other way in srv, to be stopped with the rest on close. */
    DaemonProcess adopt(DaemonProcess daemon) {
        daemons.add(daemon);
        return daemon;
    }

    /** The private bpffs the pins go to. */
    Path bpffsRoot() {
        return bpffs.root();
    }

    /** The daemon's state directory: journal, token, its output in daemon.log. */
    Path stateDir() {
        return stateDir;
    }

    /** Adds a bridge to srv: an interface whose driver has no native XDP. */
    void bridge(String name) {
        network.exec(srv.getFileName().toString(), "ip", "link", "add", name, "type", "bridge");
        network.exec(srv.getFileName().toString(), "ip", "link", "set", name, "up");
    }

    /** {@code synguard detach}, as an operator would run it before a reboot. */
    String detach() {
        return DaemonProcess.command(srv, List.of("detach", "--iface", IFACE, "--pin-dir", pinDir().toString()));
    }

    Path pinDir() {
        return bpffs.root().resolve("sgd0");
    }

    String token() {
        try {
            return Files.readString(stateDir.resolve("token")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean connects(String source, String target) {
        return Tcp.connects(net, source, target, PORT, CONNECT);
    }

    /** The ids of the XDP programs attached to sgd0, as ip shows them. */
    String xdpPrograms() {
        String out = network.exec(srv.getFileName().toString(), "ip", "-d", "link", "show", IFACE);
        return out.lines().filter(l -> l.contains("prog/xdp")).map(String::strip).reduce("", (a, b) -> a + b);
    }

    long accepted() {
        return server.accepted();
    }

    @Override
    public void close() {
        Teardown.all(List.of(
                () -> daemons.forEach(DaemonProcess::close),
                Teardown.closing(server),
                network::close,
                Teardown.closing(bpffs),
                () -> Teardown.deleteTree(stateDir)));
    }
}

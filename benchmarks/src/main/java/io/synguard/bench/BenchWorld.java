package io.synguard.bench;

import io.synguard.host.HostCommand;
import io.synguard.host.NamespaceNetwork;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The benchmark's network: namespace srv (the protected host, interface sgd0, 198.18.0.1) and
 * namespace net (sgc0, the clients and attackers, addresses in 198.18.0.0/15) joined by a veth;
 * a private bpffs for the pins and a temporary state directory. Closing removes all of it, and a
 * shutdown hook does so on Ctrl-C.
 */
final class BenchWorld implements AutoCloseable {
    static final String IFACE = "sgd0";
    static final String SERVER = "198.18.0.1";
    /** The next hop towards the attack ranges, once {@link #floodReady}: the client side's veth. */
    static final String GATEWAY = "198.18.0.254";
    /** How long a tool may take: loading a million-element set into nft or ipset takes a while. */
    private static final Duration LIMIT = Duration.ofSeconds(180);

    final String srv;
    final String net;
    final Path bpffs;
    final Path stateDir;
    private final NamespaceNetwork network;
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::cleanUp, "bench-cleanup");
    private boolean closed;

    BenchWorld(String tag) {
        network = new NamespaceNetwork("sgb-" + ProcessHandle.current().pid() + "-" + tag + "-");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            bpffs = Files.createTempDirectory("synguard-bench-bpffs-" + ProcessHandle.current().pid() + "-");
            stateDir = Files.createTempDirectory("synguard-bench-state-");
            HostCommand.run("mount", "-t", "bpf", "bpf", bpffs.toString());
            srv = network.namespace("srv");
            net = network.namespace("net");
            network.veth(srv, IFACE, net, "sgc0");
            network.address(srv, IFACE, SERVER + "/15");
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** Gives the client side another address (a source to send from). */
    void address(String address) {
        network.address(net, "sgc0", address + "/15");
    }

    /**
     * Readies the device under test for a flood from the generator: NAPI on its veth (GRO: a veth
     * takes XDP frames only with NAPI), and the attack ranges routed through a gateway with a fixed
     * MAC, so that replies do not set the server resolving every spoofed source. Its NAPI then runs
     * in the softirq of whichever CPU sends to it: the generator's, frame batch by frame batch.
     */
    void floodReady() {
        in(srv, "ethtool", "-K", IFACE, "gro", "on");
        in(srv, "ip", "addr", "flush", "dev", IFACE);
        network.address(srv, IFACE, SERVER + "/24");
        in(srv, "ip", "neigh", "add", GATEWAY, "lladdr", mac(net, "sgc0"), "dev", IFACE, "nud", "permanent");
        in(srv, "ip", "route", "add", "198.18.0.0/15", "via", GATEWAY);
    }

    /**
     * Gives the device under test's NAPI a thread of its own on cpu, apart from the generator, at
     * real-time priority as softirq work would be: what it keeps up with is then measured alone.
     *
     * @return the pid of the NAPI thread
     */
    long threadedNapi(int cpu) {
        return threadedNapi(srv, IFACE, cpu);
    }

    /**
     * Gives iface's NAPI in namespace a thread of its own on cpu, at real-time priority as softirq
     * work would be.
     *
     * @return the pid of the NAPI thread
     */
    long threadedNapi(String namespace, String iface, int cpu) {
        Set<Long> before = napiThreads(iface);
        in(namespace, "sh", "-c", "echo 1 > /sys/class/net/" + iface + "/threaded");
        Set<Long> created = napiThreads(iface);
        created.removeAll(before);
        if (created.size() != 1) {
            throw new IllegalStateException("expected one new NAPI thread for " + iface + ", found " + created);
        }
        long pid = created.iterator().next();
        pinNapi(pid, cpu);
        // softirq work preempts processes; a NAPI thread at normal priority shares its CPU with
        // whatever else runs there and would measure the machine's load, not the filter
        HostCommand.run("chrt", "-f", "-p", "50", Long.toString(pid));
        return pid;
    }

    /** CPU time thread pid has run so far, in nanoseconds (the first field of its schedstat). */
    static long cpuNanos(long pid) {
        try {
            return Long.parseLong(Files.readString(Path.of("/proc", Long.toString(pid), "schedstat")).split(" ")[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("the CPU time of thread " + pid + " is unreadable", e);
        }
    }

    /** Moves the NAPI thread pid (one threadedNapi made) to cpu. */
    static void pinNapi(long pid, int cpu) {
        HostCommand.run("taskset", "-pc", Integer.toString(cpu), Long.toString(pid));
    }

    /** The MAC address of iface in namespace. */
    String mac(String namespace, String iface) {
        return in(namespace, "cat", "/sys/class/net/" + iface + "/address").strip();
    }

    /** What the device under test's veth and its namespace's stack have counted so far. */
    DutStats dutStats() {
        long packets = 0;
        long drops = 0;
        long tx = 0;
        for (String line : in(srv, "ethtool", "-S", IFACE).lines().map(String::strip).toList()) {
            if (line.matches("rx_queue_\\d+_xdp_(packets|drops|tx): \\d+")) {
                long n = Long.parseLong(line.substring(line.indexOf(':') + 2));
                switch (line.substring(line.indexOf("xdp_"), line.indexOf(':'))) {
                    case "xdp_packets" -> packets += n;
                    case "xdp_drops" -> drops += n;
                    default -> tx += n;
                }
            }
        }
        String snmp = in(srv, "cat", "/proc/net/snmp");
        return new DutStats(packets, drops, tx, snmp(snmp, "Ip", "InReceives"), snmp(snmp, "Tcp", "OutSegs"));
    }

    /** A counter of /proc/net/snmp: a header line and a value line per protocol. */
    private static long snmp(String snmp, String protocol, String counter) {
        List<String> lines = snmp.lines().filter(l -> l.startsWith(protocol + ": ")).toList();
        return Long.parseLong(lines.get(1).split(" ")[List.of(lines.get(0).split(" ")).indexOf(counter)]);
    }

    /**
     * Counters of the device under test.
     *
     * @param received   frames its veth's NAPI poll took in (whatever became of them; the rest overflowed its ring)
     * @param xdpDrops   of those, dropped by an XDP program
     * @param xdpTx      of those, answered by an XDP program with XDP_TX (SYN cookies from XDP)
     * @param ipReceived of those, how many reached IP (the namespace's Ip InReceives)
     * @param tcpSent    TCP segments its stack sent (Tcp OutSegs): SYN-ACKs among them, the stack's cookies too
     */
    record DutStats(long received, long xdpDrops, long xdpTx, long ipReceived, long tcpSent) {}

    private static Set<Long> napiThreads(String iface) {
        Set<Long> pids = new HashSet<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (Files.readString(p.resolve("comm")).startsWith("napi/" + iface + "-")) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pids;
    }

    /** A directory on the world's bpffs for a filter's pins, made if missing. */
    Path pinDirectory(String name) {
        try {
            return Files.createDirectories(bpffs.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path namespace(String name) {
        return NamespaceNetwork.path(name);
    }

    /** Starts a process this world stops on close. */
    Process start(List<String> command, Path log) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Runs a command inside namespace to its end; its output. */
    String in(String namespace, String... command) {
        return network.exec(LIMIT, namespace, command);
    }

    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or ran
        }
    }

    private synchronized void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        for (Process p : processes) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            network.close();
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
        }
        if (bpffs != null) {
            try {
                HostCommand.run("umount", bpffs.toString());
            } catch (RuntimeException e) {
                System.err.println(e.getMessage());
            }
        }
        for (Path dir : new Path[]{bpffs, stateDir}) {
            if (dir != null && Files.exists(dir)) {
                try {
                    deleteTree(dir);
                } catch (IOException e) {
                    System.err.println("could not remove " + dir + ": " + e);
                }
            }
        }
    }

    /** Removes dir and everything below it (on a bpffs, pins: the maps go with their last holder). */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

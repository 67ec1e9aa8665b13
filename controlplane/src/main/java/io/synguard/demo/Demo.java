package io.synguard.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.flood.FloodGenerator;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * synguard at work on this host, in about a minute: a small network of namespaces, synguard
 * attached in front of a real server, legitimate clients visiting it, then a botnet SYN flood and
 * a spoofed one in turn, shown live once a second; then a summary, and everything removed again,
 * also on failure or Ctrl-C.
 */
public final class Demo {
    private static final Duration READY = Duration.ofSeconds(60);

    private final PrintWriter out;
    private final LongSupplier nanoTime;
    private final long pid = ProcessHandle.current().pid();
    private final Cleanup cleanup = new Cleanup();
    private final Scoreboard board = new Scoreboard();
    private final Map<Attack, FloodGenerator.Report> sent = new EnumMap<>(Attack.class);
    private volatile boolean interrupted;
    private Network network;
    private Workspace workspace;
    private SynguardProcess synguard;
    private Attackers attackers;

    private Demo(PrintWriter out, LongSupplier nanoTime) {
        this.out = out;
        this.nanoTime = nanoTime;
    }

    /**
     * Runs the demo with this much traffic, writing to out; whether every check held. A shutdown
     * hook cleans up on Ctrl-C.
     */
    public static boolean run(Duration duration, PrintWriter out) {
        List<Phase> phases = Phase.timeline(duration);
        requireRoot();
        Demo demo = new Demo(out, System::nanoTime);
        Thread hook = new Thread(demo::interrupt, "sgdemo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return demo.run(phases);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs, or has run: it cleans up
            }
        }
    }

    private boolean run(List<Phase> phases) {
        out.printf(Locale.ROOT, "synguard demo: a protected server, legitimate clients, a botnet SYN flood and a spoofed"
                + " one, live; %d s of traffic. Ctrl-C stops it and cleans up.%n%n", total(phases));
        Summary summary = null;
        try {
            setUp();
            Watch watch = new Watch(synguard.api(), board, out);
            play(phases, watch);
            summary = Summary.of(phases, watch.seconds(), watch.standing(), board, sent);
        } catch (RuntimeException | InterruptedException e) {
            if (interrupted) {
                return false;
            }
            out.println();
            out.println("the demo failed: " + e.getMessage());
            if (synguard != null) {
                out.println("synguard's last lines:");
                synguard.logTail(20).lines().forEach(l -> out.println("  " + l));
            }
        }
        out.println();
        out.println("cleaning up");
        List<String> leftovers = new ArrayList<>(cleanup.run(out));
        leftovers.addAll(leftovers());
        if (summary == null) {
            out.println(leftovers.isEmpty() ? "nothing left behind" : "left behind: " + String.join(", ", leftovers));
            out.flush();
            return false;
        }
        summary.cleanup(leftovers);
        out.println();
        out.println("summary");
        summary.printFindings(out);
        out.println();
        out.println("checks");
        summary.printChecks(out);
        out.println(summary.passed() ? "demo passed" : "demo FAILED");
        out.flush();
        return summary.passed();
    }

    private void setUp() throws InterruptedException {
        say("making the network: namespaces sgdemo-" + pid + "-server, -internet and -clients, joined by veth pairs");
        network = new Network(pid);
        cleanup.add("removing the namespaces " + String.join(", ", network.names()), network::close);
        network.build();
        say("  server " + Network.SERVER + ":" + Network.PORT + " behind " + Network.PROTECTED + "; clients "
                + Network.CLIENTS.getFirst() + " to " + Network.CLIENTS.getLast() + "; attackers in "
                + Network.ATTACKERS + ", whose replies go nowhere");

        workspace = Workspace.create(pid);
        cleanup.add("unmounting the private bpffs and deleting " + workspace.root(), workspace::close);
        say("mounted a private bpffs for synguard's pins at " + workspace.bpffs());

        Server server = Server.start(network.server(), Network.SERVER, Network.PORT);
        cleanup.add("stopping the server", server::stop);
        say("the server listens on " + Network.SERVER + ":" + Network.PORT + " and greets every visitor");

        startSynguard();

        attackers = Attackers.load(network.internet(), Network.UPLINK, Network.PROTECTED_MAC);
        cleanup.add("stopping the floods and unloading their generator", attackers::stop);
        say("loaded the flood generator: an XDP program that sends SYNs out of " + Network.UPLINK + " in the internet"
                + " namespace, straight at " + Network.PROTECTED);

        Clients clients = Clients.start(network.clients(), Network.CLIENTS, Network.SERVER, Network.PORT, board,
                nanoTime);
        cleanup.add("stopping the legitimate clients", clients::stop);
        say(Network.CLIENTS.size() + " legitimate clients visit the server, each about "
                + 1000 / Clients.PAUSE.toMillis() + " times a second");
        out.println();
    }

    private void startSynguard() throws InterruptedException {
        List<String> command = SynguardProcess.command(network.server(), Network.PROTECTED, workspace);
        say("starting synguard in the server namespace: synguard " + String.join(" ",
                command.subList(command.indexOf("run"), command.size())));
        long start = nanoTime.getAsLong();
        synguard = SynguardProcess.start(network.server(), Network.PROTECTED, workspace);
        cleanup.add("stopping synguard (it detaches from " + Network.PROTECTED + ")", synguard::stop);
        synguard.awaitReady(READY, waited -> say("  waiting for synguard's API (" + waited.toSeconds() + " s)"));
        JsonNode status = synguard.api().get("/v1/status");
        JsonNode config = synguard.api().get("/v1/config");
        say(String.format(Locale.ROOT, "  synguard protects %s (%s XDP, %s) after %.1f s: at most %d SYN/s a source,"
                        + " an attack over %s SYN/s, offenders blocked for %d s", status.get("interface").asText(),
                status.get("attach_mode").asText(), status.get("mode").asText(),
                (nanoTime.getAsLong() - start) / 1e9, config.get("rate_limit").get("syn_pps").asLong(),
                Lines.number(config.get("detection").get("min_threshold_pps").asLong()),
                config.get("detection").get("auto_block_ttl_s").asLong()));
    }

    /** The phases one after the other, the watch looking once a second. */
    private void play(List<Phase> phases, Watch watch) throws InterruptedException {
        long start = nanoTime.getAsLong();
        long at = 0;
        for (Phase phase : phases) {
            if (phase.attack() == null) {
                say("-- " + phase.name() + ": " + phase.length().toSeconds() + " s without a flood");
            } else {
                say(String.format(Locale.ROOT, "-- %s: %s, %s SYN/s for %d s", phase.name(), phase.attack().description,
                        Lines.number(phase.attack().rate), phase.length().toSeconds()));
            }
            if (at == 0) {
                watch.header();
            }
            board.enter(phase);
            if (phase.attack() != null) {
                attackers.start(phase.attack(), Network.SERVER, Network.PORT, phase.length());
            }
            for (long s = 1; s <= phase.length().toSeconds(); s++) {
                sleepUntil(start + TimeUnit.SECONDS.toNanos(at + s));
                watch.look(phase, at + s, s);
            }
            if (phase.attack() != null) {
                sent.put(phase.attack(), attackers.await());
            }
            at += phase.length().toSeconds();
        }
    }

    /** What the demo made that is still there: it checks rather than trusts its cleanup. */
    private List<String> leftovers() {
        List<String> left = new ArrayList<>();
        if (network != null) {
            left.addAll(network.remaining().stream().map(n -> "namespace " + n).toList());
        }
        if (workspace != null && workspace.remains()) {
            left.add(workspace.root() + " (mount or files)");
        }
        if (synguard != null && synguard.alive()) {
            left.add("the synguard process");
        }
        return left;
    }

    /** On Ctrl-C (or any JVM shutdown before the end): stop everything and clean up. */
    private void interrupt() {
        interrupted = true;
        if (cleanup.done()) {
            return;
        }
        out.println();
        out.println("interrupted: cleaning up");
        List<String> left = new ArrayList<>(cleanup.run(out));
        left.addAll(leftovers());
        out.println(left.isEmpty() ? "nothing left behind" : "left behind: " + String.join(", ", left));
        out.flush();
    }

    private void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - nanoTime.getAsLong();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    private static long total(List<Phase> phases) {
        return phases.stream().mapToLong(p -> p.length().toSeconds()).sum();
    }

    private static void requireRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:") && !line.split("\\s+")[2].equals("0")) {
                    throw new IllegalStateException("the demo needs root: it makes network namespaces and loads XDP"
                            + " programs (sudo ./synguard demo)");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.synguard.cli;

import io.synguard.api.ApiServer;
import io.synguard.bpf.Libbpf;
import io.synguard.bpf.XdpMode;
import io.synguard.config.Settings;
import io.synguard.daemon.Daemon;
import io.synguard.daemon.Logging;
import io.synguard.dataplane.CookieAck.CookieMethod;
import io.synguard.dataplane.Dataplane;
import io.synguard.fleet.Fleet;
import io.synguard.policy.Origin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.LoggerFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", description = {"Run the daemon in the foreground: attach to an interface, detect SYN floods,"
        + " block offenders, serve the REST API.", "SIGTERM or SIGINT stop it cleanly; the XDP program keeps"
        + " enforcing unless --detach-on-exit.", "SIGHUP reloads the API's TLS certificate and key."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--iface", required = true, paramLabel = "IF", description = "The interface to protect.")
    String iface;

    @Option(names = "--attach", defaultValue = "auto", paramLabel = "native|generic|auto",
            description = "XDP mode: native where the driver supports it (auto picks it then), else generic"
                    + " (default: ${DEFAULT-VALUE}).")
    String attach;

    @Option(names = "--mode", paramLabel = "enforce|monitor",
            description = "Start in this mode (default: as last set, enforce on a first start).")
    String mode;

    @Mixin
    DaemonOptions daemon;

    @Option(names = "--config", paramLabel = "FILE", description = "Settings (the JSON of GET /v1/config, or part"
            + " of it) to apply over the saved ones at start.")
    Path config;

    @Option(names = "--pin-dir", paramLabel = "DIR", description = "Where the maps and the attachment are pinned, on a"
            + " bpffs (default: /sys/fs/bpf/synguard/IF).")
    Path pinDir;

    @Option(names = "--cookie-method", defaultValue = "auto", paramLabel = "auto|kfunc|kernel",
            description = "How SYN cookies are validated: auto probes the kernel (synguard's own with the kfunc where it"
                    + " loads, else the kernel's own); kernel forces the kernel's own (default: ${DEFAULT-VALUE}).")
    String cookieMethod;

    @Option(names = "--detach-on-exit", description = "Take the program off the interface on a clean stop.")
    boolean detachOnExit;

    @Mixin
    ApiOptions api;

    @Option(names = "--log-format", defaultValue = "text", paramLabel = "text|json",
            description = "Log lines for people, or JSON for machines (default: ${DEFAULT-VALUE}).")
    String logFormat;

    @Option(names = "--max-rules", defaultValue = "1048576", paramLabel = "N",
            description = "Allow and block entries the data plane takes, fixed when its maps are first made"
                    + " (default: ${DEFAULT-VALUE}; 64 bytes of kernel memory each).")
    int maxRules;

    @Option(names = "--fleet-etcd", split = ",", paramLabel = "URL",
            description = "Join a fleet: share blocks and allows with the other hosts through these etcd endpoints"
                    + " (http://host:2379,...). Off unless given.")
    List<String> fleetEtcd = List.of();

    @Option(names = "--fleet-prefix", defaultValue = "/synguard", paramLabel = "PREFIX",
            description = "The fleet's keys in etcd live under this prefix (default: ${DEFAULT-VALUE}).")
    String fleetPrefix;

    @Option(names = "--host-id", paramLabel = "NAME",
            description = "This host's name in the fleet (default: the host name).")
    String hostId;

    @Option(names = "--fleet-publish", split = ",", defaultValue = "operator,auto", paramLabel = "ORIGIN",
            description = "Origins of this host's entries the fleet gets (default: ${DEFAULT-VALUE}).")
    List<String> fleetPublish;

    @Option(names = "--fleet-accept", split = ",", defaultValue = "operator,auto", paramLabel = "ORIGIN",
            description = "Origins of other hosts' entries applied here (default: ${DEFAULT-VALUE}).")
    List<String> fleetAccept;

    @Mixin
    FlowSpecOptions flowspec;

    @Override
    public Integer call() throws InterruptedException {
        Reload reload = new Reload();
        boolean hangupWasIgnored = Hangup.onSignal(reload); // first: until then a HUP stops the JVM
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            throw new IllegalArgumentException("--log-format is text or json, not " + logFormat);
        }
        ApiServer.Config served = api.config(daemon.listen);
        Libbpf.require();
        Daemon.prepareStateDir(daemon.stateDir);
        Logging.configure(logFormat.equals("json"), daemon.stateDir.resolve("audit.log"));
        Daemon.Options options = new Daemon.Options(iface, xdpMode(attach), mode == null ? null : mode(mode),
                served, daemon.stateDir, daemon.token(), api.readTokenFile, config, detachOnExit,
                pinDir != null ? pinDir : Dataplane.pinDirectory(iface), maxRules,
                fleetEtcd, fleetEtcd.isEmpty() ? null : fleetOptions(), flowspec.options(), cookieMethod(cookieMethod));
        if (hangupWasIgnored) {
            LoggerFactory.getLogger(RunCommand.class)
                    .info("SIGHUP was ignored in this process (started under nohup?); synguard takes it, to reload on it");
        }
        Daemon running = Daemon.start(options, InstantSource.system());
        reload.startedWith(running::reloadTls);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "synguard-stop"));
        stopped.await();
        return 0;
    }

    /** What SIGHUP does: the daemon's reload, and one that came while it started once it has. */
    static final class Reload implements Runnable {
        private Runnable reload;
        private boolean missed;

        synchronized void startedWith(Runnable daemonReload) {
            reload = daemonReload;
            if (missed) {
                missed = false;
                reload.run();
            }
        }

        @Override
        public synchronized void run() {
            if (reload == null) {
                missed = true;
            } else {
                reload.run();
            }
        }
    }

    /** The method asked for; null for auto (probe). */
    private static CookieMethod cookieMethod(String text) {
        return switch (text) {
            case "auto" -> null;
            case "kfunc" -> CookieMethod.KFUNC;
            case "kernel" -> CookieMethod.KERNEL;
            default -> throw new IllegalArgumentException("--cookie-method is auto, kfunc or kernel, not '" + text + "'");
        };
    }

    private Fleet.Options fleetOptions() {
        String host = hostId != null ? hostId : hostName();
        if (!host.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw new IllegalArgumentException("--host-id is letters, digits, '.', '_' and '-', not '" + host + "'");
        }
        if (!fleetPrefix.startsWith("/") || fleetPrefix.endsWith("/")) {
            throw new IllegalArgumentException("--fleet-prefix starts with '/' and does not end with one: " + fleetPrefix);
        }
        return new Fleet.Options(host, fleetPrefix, origins("--fleet-publish", fleetPublish),
                origins("--fleet-accept", fleetAccept), Duration.ofSeconds(1), Duration.ofMinutes(1));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("this host's name is unknown: give --host-id", e);
        }
    }

    private static Set<Origin> origins(String option, List<String> texts) {
        Set<Origin> origins = EnumSet.noneOf(Origin.class);
        for (String t : texts) {
            origins.add(switch (t) {
                case "operator" -> Origin.OPERATOR;
                case "auto" -> Origin.AUTO;
                default -> throw new IllegalArgumentException(option + " takes operator and auto, not " + t);
            });
        }
        return origins;
    }

    static XdpMode xdpMode(String text) {
        return switch (text) {
            case "auto" -> XdpMode.AUTO;
            case "native" -> XdpMode.NATIVE;
            case "generic" -> XdpMode.GENERIC;
            default -> throw new IllegalArgumentException("--attach is native, generic or auto, not " + text);
        };
    }

    static Settings.Mode mode(String text) {
        return switch (text) {
            case "enforce" -> Settings.Mode.ENFORCE;
            case "monitor" -> Settings.Mode.MONITOR;
            default -> throw new IllegalArgumentException("--mode is enforce or monitor, not " + text);
        };
    }
}

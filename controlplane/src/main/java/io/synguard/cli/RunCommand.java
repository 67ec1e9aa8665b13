package io.synguard.cli;

import io.synguard.bpf.Libbpf;
import io.synguard.bpf.XdpMode;
import io.synguard.config.Settings;
import io.synguard.daemon.Daemon;
import io.synguard.daemon.Logging;
import io.synguard.dataplane.Dataplane;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", description = {"Run the daemon in the foreground: attach to an interface, detect SYN floods,"
        + " block offenders, serve the REST API.", "SIGTERM or SIGINT stop it cleanly; the XDP program keeps"
        + " enforcing unless --detach-on-exit."})
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

    @Option(names = "--detach-on-exit", description = "Take the program off the interface on a clean stop.")
    boolean detachOnExit;

    @Option(names = "--metrics-public", description = "Serve /metrics without the token.")
    boolean metricsPublic;

    @Option(names = "--log-format", defaultValue = "text", paramLabel = "text|json",
            description = "Log lines for people, or JSON for machines (default: ${DEFAULT-VALUE}).")
    String logFormat;

    @Option(names = "--max-rules", defaultValue = "1048576", paramLabel = "N",
            description = "Allow and block entries the data plane takes, fixed when its maps are first made"
                    + " (default: ${DEFAULT-VALUE}; 64 bytes of kernel memory each).")
    int maxRules;

    @Override
    public Integer call() throws InterruptedException {
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            throw new IllegalArgumentException("--log-format is text or json, not " + logFormat);
        }
        Libbpf.require();
        Daemon.prepareStateDir(daemon.stateDir);
        Logging.configure(logFormat.equals("json"), daemon.stateDir.resolve("audit.log"));
        Daemon.Options options = new Daemon.Options(iface, xdpMode(attach), mode == null ? null : mode(mode),
                Listen.parse(daemon.listen), daemon.stateDir, daemon.token(), config,
                detachOnExit, metricsPublic, pinDir != null ? pinDir : Dataplane.pinDirectory(iface), maxRules);
        Daemon running = Daemon.start(options, InstantSource.system());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "synguard-stop"));
        stopped.await();
        return 0;
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

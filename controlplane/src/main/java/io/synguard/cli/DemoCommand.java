package io.synguard.cli;

import io.synguard.bpf.Libbpf;
import io.synguard.demo.Demo;

import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo", description = {"Show synguard at work on this host, live, in about a minute: network"
        + " namespaces with a protected server, legitimate clients and attackers; a botnet SYN flood, then a spoofed"
        + " one; then a summary.", "Needs root. Touches nothing outside what it makes, and removes all of it at the"
        + " end, also on failure or Ctrl-C. Exits 0 when every check of the summary holds."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--duration", defaultValue = "60s", paramLabel = "DURATION",
            description = "How long the traffic runs, shared out among the phases (default: ${DEFAULT-VALUE};"
                    + " at least 15s).")
    String duration;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Libbpf.require();
        return Demo.run(Duration.ofSeconds(Durations.seconds(duration)), spec.commandLine().getOut()) ? 0 : 1;
    }
}

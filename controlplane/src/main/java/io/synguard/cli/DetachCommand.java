package io.synguard.cli;

import io.synguard.dataplane.Attachment;
import io.synguard.dataplane.Dataplane;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "detach", description = {"Take synguard off an interface: the XDP program and its pinned maps.",
        "Stop the daemon first. The journal stays: the next 'synguard run' puts the lists back."})
final class DetachCommand implements Callable<Integer> {
    @Option(names = "--iface", required = true, paramLabel = "IF")
    String iface;

    @Option(names = "--pin-dir", paramLabel = "DIR", description = "Where 'run' pinned them (default:"
            + " /sys/fs/bpf/synguard/IF).")
    Path pinDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path pins = pinDir != null ? pinDir : Dataplane.pinDirectory(iface);
        boolean removed = Attachment.detachPinned(pins);
        spec.commandLine().getOut().println(removed ? "synguard is off " + iface + ": program detached, pinned maps removed"
                : "synguard is not attached to " + iface + " (nothing pinned under " + pins + ")");
        return 0;
    }
}

package io.synguard.cli;

import io.synguard.dataplane.Attachment;
import io.synguard.dataplane.Dataplane;

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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        boolean removed = Attachment.detachPinned(Dataplane.pinDirectory(iface));
        spec.commandLine().getOut().println(removed ? "synguard is off " + iface + ": program detached, pinned maps removed"
                : "synguard is not attached to " + iface + " (nothing pinned under " + Dataplane.pinDirectory(iface) + ")");
        return 0;
    }
}

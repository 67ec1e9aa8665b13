package io.synguard.bench;

import io.synguard.bpf.BpfObject;
import io.synguard.bpf.BpfProgram;
import io.synguard.bpf.Interfaces;
import io.synguard.bpf.NetNamespace;
import io.synguard.bpf.XdpLink;
import io.synguard.bpf.XdpMode;
import io.synguard.net.Prefix;

import java.nio.file.Path;
import java.util.List;

/** The bounds: an XDP program that drops every frame (xdp_drop), or passes every frame (xdp_pass). */
final class CeilingFilter implements PeerFilter {
    private final String name;
    private final Path namespace;
    private final BpfObject object;
    private final BpfProgram program;
    private XdpLink link;

    private CeilingFilter(String name, String program, Path namespace) {
        this.name = name;
        this.namespace = namespace;
        this.object = BpfObject.open("ceiling", BpfObject.elf(CeilingFilter.class, "ceiling.bpf.o"));
        try {
            object.load();
            this.program = object.program(program);
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
    }

    static CeilingFilter drop(Path namespace) {
        return new CeilingFilter("xdp_drop", "ceiling_drop", namespace);
    }

    static CeilingFilter pass(Path namespace) {
        return new CeilingFilter("xdp_pass", "ceiling_pass", namespace);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String setup(PeerScenario scenario) {
        return name.equals("xdp_drop") ? "XDP_DROP of every frame (the ceiling)" : "XDP_PASS: every frame into the stack";
    }

    @Override
    public void prepare(PeerScenario scenario, List<Prefix> blocklist) {
        // nothing to load
    }

    @Override
    public void enable() {
        link = NetNamespace.inside(namespace,
                () -> XdpLink.attach(program, Interfaces.index(BenchWorld.IFACE), XdpMode.NATIVE));
    }

    @Override
    public void disable() {
        if (link != null) {
            link.close();
            link = null;
        }
    }

    @Override
    public void close() {
        disable();
        object.close();
    }
}

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

/**
 * The references (references.h): drop every frame unread (xdp_drop), parse and drop (parse_drop),
 * parse, read one random line of a 64 MiB table and drop (one_miss), parse and send the SYN back
 * with XDP_TX (parse_tx); and the other bound, pass every frame (xdp_pass).
 */
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
            if (!name.equals("one_miss")) {
                object.mapSpec("ref_table").setMaxEntries(1); // only one_miss reads it
            }
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

    static CeilingFilter parseDrop(Path namespace) {
        return new CeilingFilter("parse_drop", "ceiling_parse_drop", namespace);
    }

    static CeilingFilter oneMiss(Path namespace) {
        return new CeilingFilter("one_miss", "ceiling_one_miss", namespace);
    }

    static CeilingFilter parseTx(Path namespace) {
        return new CeilingFilter("parse_tx", "ceiling_parse_tx", namespace);
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
        return switch (name) {
            case "xdp_drop" -> "XDP_DROP of every frame, unread";
            case "parse_drop" -> "parses as synguard does, drops SYNs";
            case "one_miss" -> "parses, one random read of a 64 MiB table keyed by the source, drops SYNs";
            case "parse_tx" -> "parses, sends SYNs back with XDP_TX, addresses and ports swapped";
            default -> "XDP_PASS: every frame into the stack";
        };
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

package io.synguard.bpf;

import io.synguard.dataplane.Dataplane;
import io.synguard.host.NamespaceNetwork;
import io.synguard.testing.BpfTest;
import io.synguard.testing.KernelWorld;

import java.nio.file.Path;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attaching through a bpf_link, in namespaces the test makes: a veth pair (native XDP) and a bridge
 * (none). Everything goes when the namespaces do.
 */
@BpfTest
class XdpLinkTest {
    @RegisterExtension
    final KernelWorld world = new KernelWorld();
    private Dataplane dataplane;
    private Path ns;

    @BeforeEach
    void prepare() {
        NamespaceNetwork net = world.net();
        String dut = net.namespace("dut");
        net.veth(dut, "sg0", net.namespace("peer"), "sg1");
        net.exec(dut, "ip", "link", "add", "br0", "type", "bridge");
        ns = NamespaceNetwork.path(dut);
        dataplane = SmallDataplane.load();
    }

    @AfterEach
    void unload() {
        dataplane.close();
    }

    @Test
    void autoOnVethIsNativeAndAPinnedLinkOutlivesItsFd() {
        Path pin = world.bpffs().root().resolve("link");
        NetNamespace.run(ns, () -> {
            int ifindex = Interfaces.index("sg0");
            try (XdpLink link = XdpLink.attach(dataplane.program(), ifindex, XdpMode.AUTO)) {
                link.pin(pin);
                assertEquals(ifindex, link.info().ifindex());
                assertEquals(dataplane.program().id(), link.info().programId());
            }
            XdpStatus status = XdpStatus.query(ifindex);
            assertEquals(XdpStatus.Attached.NATIVE, status.attached(), "still attached after close: " + status);
            assertEquals(dataplane.program().id(), status.programId());
            try (XdpLink again = XdpLink.openPinned(pin)) {
                again.detach();
                assertEquals(0, again.info().ifindex());
            }
            assertEquals(XdpStatus.Attached.NONE, XdpStatus.query(ifindex).attached());
        });
    }

    @Test
    void updateSwapsTheProgramInPlace() {
        try (Dataplane upgrade = SmallDataplane.load()) {
            attachedInNamespace("sg0", XdpMode.NATIVE, (link, ifindex) -> {
                int linkId = link.info().id();
                link.update(upgrade.program());
                assertEquals(upgrade.program().id(), XdpStatus.query(ifindex).programId());
                assertEquals(linkId, link.info().id());
            });
        }
    }

    @Test
    void genericModeIsTheSkbHook() {
        attachedInNamespace("sg0", XdpMode.GENERIC, (link, ifindex) -> {
            XdpStatus status = XdpStatus.query(ifindex);
            assertEquals(XdpStatus.Attached.GENERIC, status.attached());
            assertEquals(dataplane.program().id(), status.genericProgramId());
        });
    }

    @Test
    void nativeWhereTheDriverHasNoneFailsAndSaysWhatToDo() {
        NetNamespace.run(ns, () -> {
            int ifindex = Interfaces.index("br0");
            BpfException e = assertThrows(BpfException.class,
                    () -> XdpLink.attach(dataplane.program(), ifindex, XdpMode.NATIVE));
            assertEquals(Errno.EOPNOTSUPP.number(), e.errno());
            assertTrue(e.getMessage().contains("generic"), e.getMessage());
            try (XdpLink link = XdpLink.attach(dataplane.program(), ifindex, XdpMode.AUTO)) {
                assertEquals(XdpStatus.Attached.GENERIC, XdpStatus.query(ifindex).attached());
                link.detach();
            }
        });
    }

    @Test
    void aSecondAttachmentIsRefusedWhileTheFirstHoldsTheHook() {
        attachedInNamespace("sg0", XdpMode.AUTO, (first, ifindex) -> {
            BpfException e = assertThrows(BpfException.class,
                    () -> XdpLink.attach(dataplane.program(), ifindex, XdpMode.AUTO));
            assertEquals(Errno.EBUSY.number(), e.errno());
            assertTrue(e.getMessage().contains("another XDP program"), e.getMessage());
        });
    }

    @Test
    void namesResolveInTheThreadsNamespaceOnly() {
        BpfException e = assertThrows(BpfException.class, () -> Interfaces.index("sg0"));
        assertEquals(Errno.ENODEV.number(), e.errno());
        assertTrue(NetNamespace.inside(ns, () -> Interfaces.index("sg0")) > 0);
    }

    @Test
    void aMissingNamespaceIsAClearError() {
        BpfException e = assertThrows(BpfException.class,
                () -> NetNamespace.run(Path.of("/run/netns/no-such-synguard-ns"), () -> {}));
        assertEquals(Errno.ENOENT.number(), e.errno());
    }

    /** Attaches the program at iface in the test's namespace, runs check, then detaches. */
    private void attachedInNamespace(String iface, XdpMode mode, BiConsumer<XdpLink, Integer> check) {
        NetNamespace.run(ns, () -> {
            int ifindex = Interfaces.index(iface);
            try (XdpLink link = XdpLink.attach(dataplane.program(), ifindex, mode)) {
                check.accept(link, ifindex);
                link.detach();
            }
        });
    }
}

package io.synguard.bpf;

import io.synguard.host.NamespaceNetwork;
import io.synguard.testing.BpfTest;
import io.synguard.testing.TestNetwork;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel's word on what a driver does with XDP, over generic netlink: a veth has the basic
 * actions, and takes XDP frames for its peer only once that peer has NAPI (GRO on).
 */
@BpfTest
class XdpFeaturesTest {

    @Test
    void aVethTakesXdpFramesOnlyOnceItsPeerHasNapi() {
        try (NamespaceNetwork net = TestNetwork.create()) {
            String a = net.namespace("a");
            String b = net.namespace("b");
            net.veth(a, "sgx0", b, "sgx1");
            XdpFeatures alone = NetNamespace.inside(NamespaceNetwork.path(a), () -> query("sgx0"));
            assertTrue(alone.has(XdpFeatures.BASIC), alone.toString());
            assertFalse(alone.has(XdpFeatures.NDO_XMIT), alone.toString());
            assertEquals("veth", NetNamespace.inside(NamespaceNetwork.path(a), () -> Interfaces.driver("sgx0")));

            net.exec(b, "ethtool", "-K", "sgx1", "gro", "on");

            assertTrue(NetNamespace.inside(NamespaceNetwork.path(a), () -> query("sgx0")).has(XdpFeatures.NDO_XMIT));
        }
    }

    @Test
    void anErrorReplyOrAMessageCutShortOrAnAttributeRunningPastItsEndIsNoAnswer() {
        ByteBuffer error = reply(2, new byte[4]);
        assertEquals(Optional.empty(), XdpFeatures.payload(error));
        ByteBuffer cut = reply(0x20, attribute(3, new byte[8]));
        cut.putInt(0, 4096);
        assertEquals(Optional.empty(), XdpFeatures.payload(cut));
        ByteBuffer overlong = ByteBuffer.wrap(attribute(3, new byte[8])).order(ByteOrder.nativeOrder());
        overlong.putShort(0, (short) 200);
        assertEquals(Optional.empty(), XdpFeatures.attribute(overlong, 3));
        ByteBuffer tooShort = ByteBuffer.wrap(new byte[]{2, 0, 3, 0}).order(ByteOrder.nativeOrder());
        assertEquals(Optional.empty(), XdpFeatures.attribute(tooShort, 3));

        ByteBuffer good = reply(0x20, concat(attribute(1, new byte[4]), attribute(3, new byte[]{5, 0, 0, 0, 0, 0, 0, 0})));
        assertEquals(5, XdpFeatures.attribute(XdpFeatures.payload(good).orElseThrow(), 3).orElseThrow().getLong(0));
    }

    private static XdpFeatures query(String iface) {
        return XdpFeatures.query(Interfaces.index(iface)).orElseThrow(() -> new AssertionError("the kernel said nothing"));
    }

    /** A netlink message of type: headers, then attributes. */
    private static ByteBuffer reply(int type, byte[] attributes) {
        ByteBuffer b = ByteBuffer.allocate(20 + attributes.length).order(ByteOrder.nativeOrder());
        b.putInt(20 + attributes.length).putShort((short) type).putShort((short) 0).putInt(1).putInt(0).putInt(0);
        b.put(attributes).flip();
        return b;
    }

    private static byte[] attribute(int type, byte[] value) {
        ByteBuffer b = ByteBuffer.allocate((4 + value.length + 3) & ~3).order(ByteOrder.nativeOrder());
        b.putShort((short) (4 + value.length)).putShort((short) type).put(value);
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}

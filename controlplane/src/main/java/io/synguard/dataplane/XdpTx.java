package io.synguard.dataplane;

import io.synguard.bpf.BpfException;
import io.synguard.bpf.Interfaces;
import io.synguard.bpf.XdpFeatures;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether XDP_TX works on an interface, as answering SYNs from XDP needs: probed from what the kernel
 * says of the interface's driver ({@link XdpFeatures}), never from version strings. Generic (skb)
 * XDP transmits XDP_TX frames itself, for every driver; in native mode the driver must support it,
 * and a veth sends them to its peer, which takes XDP frames only with NAPI (an XDP program, or GRO
 * on). Where the kernel does not say (before 6.3), the driver is trusted.
 */
public final class XdpTx {
    private static final Logger LOG = LoggerFactory.getLogger(XdpTx.class);

    private XdpTx() {}

    /** Why XDP_TX does not work on ifname attached in mode ("native", "generic"); empty where it does. */
    public static Optional<String> unavailable(String ifname, String mode) {
        if (!mode.equals("native")) {
            return Optional.empty();
        }
        try {
            return judge(ifname, XdpFeatures.query(Interfaces.index(ifname)), Interfaces.driver(ifname));
        } catch (BpfException e) {
            LOG.debug("cannot ask the kernel what {}'s driver does with XDP ({}); trusting it with XDP_TX", ifname,
                    e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The judgement in native mode: features as the kernel reports them for ifname (empty: it does
     * not say), and the interface's driver.
     */
    static Optional<String> judge(String ifname, Optional<XdpFeatures> features, String driver) {
        if (features.isEmpty()) {
            return Optional.empty();
        }
        if (!features.get().has(XdpFeatures.BASIC)) {
            return Optional.of("the driver of " + ifname + " (" + driver + ") has no XDP_TX in native mode");
        }
        if (driver.equals("veth") && !features.get().has(XdpFeatures.NDO_XMIT)) {
            return Optional.of("the peer of the veth " + ifname + " takes no XDP frames (it needs an XDP program or GRO on),"
                    + " so what XDP_TX sends is lost");
        }
        return Optional.empty();
    }
}

package io.synguard.dataplane;

import io.synguard.bpf.XdpFeatures;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class XdpTxTest {
    private static final XdpFeatures VETH_ALONE = new XdpFeatures(XdpFeatures.BASIC | XdpFeatures.REDIRECT);
    private static final XdpFeatures VETH_PEER_NAPI =
            new XdpFeatures(XdpFeatures.BASIC | XdpFeatures.REDIRECT | XdpFeatures.NDO_XMIT);

    @Test
    void genericModeSendsXdpTxItselfWhateverTheDriver() {
        assertEquals(Optional.empty(), XdpTx.unavailable("no-such-if0", "generic"), "not even asked");
    }

    @Test
    void aNativeDriverWithoutBasicActionsHasNoXdpTx() {
        assertTrue(XdpTx.judge("eth0", Optional.of(new XdpFeatures(XdpFeatures.REDIRECT)), "nicx").orElseThrow()
                .contains("has no XDP_TX"));
        assertEquals(Optional.empty(), XdpTx.judge("eth0", Optional.of(new XdpFeatures(XdpFeatures.BASIC)), "nicx"),
                "a NIC's own XDP_TX needs no ndo_xdp_xmit");
    }

    @Test
    void aVethWhosePeerTakesNoXdpFramesLosesWhatXdpTxSends() {
        assertTrue(XdpTx.judge("sgd0", Optional.of(VETH_ALONE), "veth").orElseThrow().contains("peer of the veth sgd0"));
        assertEquals(Optional.empty(), XdpTx.judge("sgd0", Optional.of(VETH_PEER_NAPI), "veth"));
    }

    @Test
    void aKernelThatDoesNotSayIsTrusted() {
        assertEquals(Optional.empty(), XdpTx.judge("eth0", Optional.empty(), "nicx"));
    }
}

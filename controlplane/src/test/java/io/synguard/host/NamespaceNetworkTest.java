package io.synguard.host;

import io.synguard.testing.BpfTest;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Namespaces, veths and addresses, and their removal when a step of building fails. */
@BpfTest
class NamespaceNetworkTest {
    private static final String PREFIX = "sgt-" + ProcessHandle.current().pid() + "-nn-";

    @Test
    void aFailedStepRemovesWhatWasMade() {
        AtomicReference<String> made = new AtomicReference<>();
        NamespaceNetwork network = new NamespaceNetwork(PREFIX);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> network.build(n -> {
            made.set(n.namespace("a"));
            n.veth(made.get(), "sgn0", n.namespace("b"), "sgn1");
            n.ip(made.get(), "link", "set", "sgn-missing", "up");
        }));

        assertTrue(e.getMessage().contains("sgn-missing"), e.getMessage());
        assertEquals(PREFIX + "a", made.get());
        assertTrue(network.remaining().isEmpty(), "left: " + network.remaining());
    }

    @Test
    void addressesOutsideTheBenchmarkingRangesAreRefused() {
        try (NamespaceNetwork network = new NamespaceNetwork(PREFIX)) {
            String a = network.namespace("c");
            network.veth(a, "sgn0", network.namespace("d"), "sgn1");
            network.address(a, "sgn0", "198.19.0.1/15");
            network.address(a, "sgn0", "2001:2::1/48");

            assertThrows(IllegalArgumentException.class, () -> network.address(a, "sgn0", "10.0.0.1/8"));
            assertThrows(IllegalArgumentException.class, () -> network.address(a, "sgn0", "2001:db8::1/64"));
            assertTrue(network.exec(a, "ip", "addr", "show", "sgn0").contains("198.19.0.1/15"));
        }
    }
}

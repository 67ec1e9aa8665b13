package io.synguard.testing;

import io.synguard.host.NamespaceNetwork;

import java.util.concurrent.atomic.AtomicInteger;

/** The network namespaces a test makes for itself: sgt-PID-N-role, N counting this JVM's networks. */
public final class TestNetwork {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestNetwork() {}

    /** A network of its own, so parallel runs and earlier tests do not meet; close it to remove it. */
    public static NamespaceNetwork create() {
        return new NamespaceNetwork("sgt-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + "-");
    }
}

package io.synguard.testing;

import io.synguard.host.NamespaceNetwork;

import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a kernel test stands on, made before each test: network namespaces of its own
 * ({@link TestNetwork}) and a bpffs of its own ({@link TempBpffs}). Registered as an extension, it
 * takes both down after the test's own teardown, the second also when the first fails.
 */
public final class KernelWorld implements BeforeEachCallback, AfterEachCallback {
    private NamespaceNetwork net;
    private TempBpffs bpffs;

    @Override
    public void beforeEach(ExtensionContext context) {
        net = TestNetwork.create();
        bpffs = new TempBpffs();
    }

    public NamespaceNetwork net() {
        return net;
    }

    public TempBpffs bpffs() {
        return bpffs;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Teardown.all(List.of(Teardown.closing(net), Teardown.closing(bpffs)));
    }
}

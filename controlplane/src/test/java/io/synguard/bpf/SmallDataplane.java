package io.synguard.bpf;

import io.synguard.dataplane.Dataplane;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * synguard's object loaded small (64 rules, 8 rate sets): real maps and a real program for the FFM
 * layer's tests. As {@code @RegisterExtension static final SmallDataplane dataplane = new
 * SmallDataplane();} it is loaded once before a class's tests (after {@code @BpfTest} let them run)
 * and closed after them.
 */
final class SmallDataplane implements BeforeAllCallback, AfterAllCallback {
    private Dataplane dataplane;

    static Dataplane load() {
        return Dataplane.load(Dataplane.Options.defaults().withMaxRules(64).withRateSets(8));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        dataplane = load();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (dataplane != null) {
            dataplane.close();
        }
    }

    BpfMap map(String name) {
        return dataplane.map(name);
    }

    BpfProgram program() {
        return dataplane.program();
    }
}

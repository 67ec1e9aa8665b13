package io.synguard.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** An end-to-end test class whose every test gets a {@link ProtectedHost} of its own, removed after it. */
abstract class OnProtectedHost {
    ProtectedHost host;

    @BeforeEach
    void world() {
        host = new ProtectedHost();
    }

    @AfterEach
    void tearDown() {
        host.close();
    }
}

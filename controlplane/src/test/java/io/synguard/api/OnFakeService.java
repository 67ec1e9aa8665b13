package io.synguard.api;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Endpoint tests' fixture: a fresh {@link FakeService} per test, and its endpoints spoken to with TOKEN. */
abstract class OnFakeService {
    static final String TOKEN = "test-token-0123456789abcdef";

    @TempDir
    Path dir;

    FakeService service;
    Exchange api;

    @BeforeEach
    void start() {
        service = new FakeService(dir);
        api = new Exchange(service.router(), TOKEN);
    }

    @AfterEach
    void stop() {
        api.close();
        service.close();
    }
}

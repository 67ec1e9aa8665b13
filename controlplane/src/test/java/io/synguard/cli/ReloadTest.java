package io.synguard.cli;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SIGHUP's reload: a HUP while the daemon starts is kept for it, not lost and not fatal. */
class ReloadTest {
    private final AtomicInteger reloads = new AtomicInteger();
    private final RunCommand.Reload reload = new RunCommand.Reload();

    @Test
    void aHangupWhileTheDaemonStartsReloadsOnceItHasStarted() {
        reload.run();
        reload.run();
        assertEquals(0, reloads.get(), "no daemon yet");

        reload.startedWith(reloads::incrementAndGet);
        assertEquals(1, reloads.get(), "the files may have changed after the daemon read them: once");
    }

    @Test
    void onceStartedEveryHangupReloads() {
        reload.startedWith(reloads::incrementAndGet);
        assertEquals(0, reloads.get(), "nothing came while it started");
        reload.run();
        reload.run();
        assertEquals(2, reloads.get());
    }
}

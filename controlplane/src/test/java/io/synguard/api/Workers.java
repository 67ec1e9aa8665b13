package io.synguard.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/** Workers for a handler under test: each task run at once on the caller's thread, or held, never run. */
final class Workers extends AbstractExecutorService {
    private final boolean run;
    private final List<Runnable> held = new ArrayList<>();
    private volatile boolean shutdown;

    private Workers(boolean run) {
        this.run = run;
    }

    /** Runs each task at once, on the caller's thread. */
    static Workers direct() {
        return new Workers(true);
    }

    /** Keeps every task and runs none: a request handed to them stays under way. */
    static Workers held() {
        return new Workers(false);
    }

    @Override
    public void execute(Runnable task) {
        if (run) {
            task.run();
        } else {
            held.add(task);
        }
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return List.copyOf(held);
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}

package io.synguard.dataplane;

import io.synguard.dataplane.Abi.Counter;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A row of a table of frames run through the XDP program: its name, what it sets up, whether it needs a
 * fresh rate window, and every counter change it expects. The tables add their sends and checks.
 */
abstract class FrameRow<R extends FrameRow<R>> {
    final String name;
    final Map<Counter, Long> counts = new EnumMap<>(Counter.class);
    Consumer<Dataplane> setup = dp -> {};
    boolean rateLimited;

    FrameRow(String name) {
        this.name = name;
    }

    @SuppressWarnings("unchecked")
    private R self() {
        return (R) this;
    }

    @SafeVarargs
    final R given(Consumer<Dataplane>... setups) {
        for (Consumer<Dataplane> s : setups) {
            setup = setup.andThen(s);
        }
        return self();
    }

    R rateLimited() {
        rateLimited = true;
        return self();
    }

    R counts(Object... pairs) {
        CounterValues.put(counts, pairs);
        return self();
    }

    /** The row's sends, each holding what it got against what the row says. */
    interface Sends {
        void run() throws InterruptedException;
    }

    /** Sets the row up on dp, runs sends, then holds every counter change against {@link #counts}. */
    void run(Dataplane dp, Sends sends) throws InterruptedException {
        setup.accept(dp);
        if (rateLimited) {
            VerdictTableTest.awaitFreshWindow();
        }
        Counters.Snapshot before = dp.counters().read();
        sends.run();
        CounterValues.assertChanges(counts, dp.counters().read().since(before));
    }

    @Override
    public String toString() {
        return name;
    }
}

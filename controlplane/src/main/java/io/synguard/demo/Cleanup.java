package io.synguard.demo;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What the demo made, undone in reverse order, once: at the end, after a failure, or from the
 * shutdown hook on Ctrl-C, whichever comes first. Every step runs even when one before it failed.
 */
final class Cleanup {
    /** One thing to undo. */
    interface Step {
        void run() throws Exception;
    }

    private record Named(String what, Step step) {}

    private final Deque<Named> steps = new ArrayDeque<>();
    private boolean done;

    synchronized void add(String what, Step step) {
        steps.push(new Named(what, step));
    }

    synchronized boolean done() {
        return done;
    }

    /** Undoes everything, saying what as it goes; the steps that failed, with their reasons. */
    synchronized List<String> run(PrintWriter out) {
        List<String> failed = new ArrayList<>();
        if (done) {
            return failed;
        }
        done = true;
        boolean interrupted = false;
        while (!steps.isEmpty()) {
            Named n = steps.pop();
            out.println("  " + n.what());
            out.flush();
            try {
                n.step().run();
            } catch (Exception e) {
                // the remaining steps run all the same; the interrupt is kept for after them
                interrupted |= e instanceof InterruptedException;
                failed.add(n.what() + ": " + e.getMessage());
                out.println("    failed: " + e.getMessage());
            }
        }
        out.flush();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failed;
    }
}

package io.synguard.cli;

import io.synguard.bpf.Hangups;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * SIGHUP, for a daemon that reloads on it. Through {@code sun.misc.Signal} (module jdk.unsupported),
 * reached reflectively: javac warns on any direct use of it, unsuppressibly, and the build fails on
 * warnings. Handling HUP also keeps it from stopping the JVM, as it would by default, and a HUP
 * that the process inherited ignored (under nohup) is taken back first: the JVM installs no handler
 * for an ignored HUP, and the reload would never come.
 */
final class Hangup {
    private Hangup() {}

    /** Runs action on every SIGHUP from now on; whether HUP had been ignored (and is taken back). */
    static boolean onSignal(Runnable action) {
        boolean wasIgnored = Hangups.unignore();
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object proxy = Proxy.newProxyInstance(Hangup.class.getClassLoader(), new Class<?>[]{handler},
                    (self, method, args) -> {
                        if (method.getName().equals("handle")) {
                            action.run();
                            return null;
                        }
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(self);
                            case "equals" -> self == args[0];
                            default -> "SIGHUP handler";
                        };
                    });
            signal.getMethod("handle", signal, handler).invoke(null, signal.getConstructor(String.class).newInstance("HUP"), proxy);
            return wasIgnored;
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException t ? t.getCause() : e;
            throw new IllegalStateException("cannot handle SIGHUP: " + cause, cause);
        }
    }
}

package io.synguard.fleet;

import java.time.Duration;
import java.util.List;

/**
 * The key-value engine a fleet shares its lists through, as the fleet uses it: etcd's model (one
 * revision for the whole store, a mod revision per key, compare-and-put, watch from a revision).
 * {@link EtcdKv} is etcd; tests use a fake. Every call blocks for at most the engine's own time
 * limit and throws {@link KvException} when the engine does not answer.
 */
interface Kv extends AutoCloseable {
    /** A key, its value, and the revision that last changed it. */
    record Item(String key, byte[] value, long modRevision) {}

    /** Every key under a prefix as of one revision. */
    record Listing(List<Item> items, long revision) {}

    /** A key changed at a revision; value is null when it was deleted. */
    record Event(String key, byte[] value, long modRevision) {}

    /** What a watch reports, on a thread of the engine's. */
    interface Watcher {
        void events(List<Event> events);

        /** The revision watched from was compacted away: list again. */
        void compacted();

        void failed(Throwable cause);
    }

    /**
     * What a compare-and-put did.
     *
     * @param done     whether the compare held and the value was put
     * @param revision the put's revision when done
     * @param current  the key as it is when the compare failed; null if it is absent
     */
    record Outcome(boolean done, long revision, Item current) {}

    Listing list(String prefix);

    /**
     * Puts value at key if the key's mod revision is still expected (0: the key is absent). With a
     * ttl, the key is collected by the engine some time after ttl; null keeps it until replaced.
     */
    Outcome putIf(String key, byte[] value, long expected, Duration ttl);

    /** One put of {@link #putAllIf}. */
    record Put(String key, byte[] value, long expected, Duration ttl) {}

    /**
     * Every put as {@link #putIf}, in one transaction: all are made if every compare holds, else
     * none. The transaction's revision, or 0 if a compare failed.
     */
    long putAllIf(List<Put> puts);

    /** Puts value at key whatever it held; the put's revision. */
    long put(String key, byte[] value, Duration ttl);

    /** Watches every key under prefix from a revision on; closing ends the watch. */
    AutoCloseable watch(String prefix, long fromRevision, Watcher watcher);

    @Override
    void close();

    /** The engine did not answer, or refused. */
    final class KvException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KvException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

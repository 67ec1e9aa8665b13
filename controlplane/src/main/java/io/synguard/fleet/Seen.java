package io.synguard.fleet;

import java.util.HashMap;
import java.util.Map;

/** What etcd holds of the fleet's entries as this member last saw it: each key's mod revision and record. */
final class Seen {
    /** A key as last seen. */
    record Known(long modRevision, FleetRecord record) {}

    private final Map<String, Known> keys = new HashMap<>();

    Known get(String key) {
        return keys.get(key);
    }

    boolean holds(String key) {
        return keys.containsKey(key);
    }

    void put(String key, long modRevision, FleetRecord record) {
        keys.put(key, new Known(modRevision, record));
    }

    void remove(String key) {
        keys.remove(key);
    }

    void clear() {
        keys.clear();
    }
}

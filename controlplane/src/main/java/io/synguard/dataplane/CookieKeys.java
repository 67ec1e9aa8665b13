package io.synguard.dataplane;

import io.synguard.bpf.BpfMap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.random.RandomGenerator;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The SYN cookie secret ({@code sg_cookie_keys}): two SipHash keys and the slot new cookies use. A
 * rotation writes a fresh key into the other slot and makes it current, so cookies made under the
 * previous key stay good until the next rotation. A map update is a copy that the data plane on
 * other CPUs may read half done, so a rotation writes twice: the fresh key while the slot in use
 * stays current (readers of that slot see its bytes unchanged), then the flip of the current slot
 * alone. Write-only: the secret is never read back, logged or shown.
 */
public final class CookieKeys {
    private static final long CURRENT = Abi.offset(Abi.COOKIE_KEYS, "current");
    private static final long KEY = Abi.offset(Abi.COOKIE_KEYS, "key");

    private final Store store;
    private final long[] keys = new long[4];
    private int current;

    /** Where the secret goes: the map's one value, the current slot and the four key words. */
    @FunctionalInterface
    interface Store {
        void write(int current, long[] keys);
    }

    CookieKeys(BpfMap map) {
        this((current, keys) -> write(map, current, keys));
    }

    CookieKeys(Store store) {
        this.store = store;
    }

    /** Fresh keys in both slots, slot 0 current: a handshake in flight under older keys fails. */
    public void reset(RandomGenerator random) {
        for (int i = 0; i < keys.length; i++) {
            keys[i] = random.nextLong();
        }
        current = 0;
        write();
    }

    /** A fresh key into the other slot, which becomes current. */
    public void rotate(RandomGenerator random) {
        int next = current ^ 1;
        keys[2 * next] = random.nextLong();
        keys[2 * next + 1] = random.nextLong();
        write();
        current = next;
        write();
    }

    /** Sets both slots and the current one as given (tests). */
    void set(long[] fourKeys, int currentSlot) {
        System.arraycopy(fourKeys, 0, keys, 0, 4);
        current = currentSlot;
        write();
    }

    private void write() {
        store.write(current, keys);
    }

    private static void write(BpfMap map, int current, long[] keys) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocateFrom(JAVA_INT, 0);
            MemorySegment value = map.allocateValue(arena);
            value.set(JAVA_INT, CURRENT, current);
            for (int i = 0; i < keys.length; i++) {
                value.set(JAVA_LONG, KEY + 8L * i, keys[i]);
            }
            map.update(key, value, BpfMap.ANY);
            value.fill((byte) 0);
        }
    }

    @Override
    public String toString() {
        return "CookieKeys[current slot " + current + "]";
    }
}

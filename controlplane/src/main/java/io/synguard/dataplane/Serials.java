package io.synguard.dataplane;

/** Hands out rule serials: never {@link Abi#RULE_EMPTY}, never {@link Abi#RULE_TOMBSTONE}, never twice. */
final class Serials {
    private long next;

    Serials(long highestInUse) {
        this.next = highestInUse + 1;
    }

    synchronized int next() {
        if (next >= 0xffff_ffffL) {
            throw new IllegalStateException("rule serials exhausted; detach and restart to renumber");
        }
        return (int) next++;
    }
}

package io.synguard.net;

/** An address family. */
public enum Family {
    V4(4),
    V6(16);

    private final int bytes;

    Family(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    public int bits() {
        return bytes * 8;
    }
}

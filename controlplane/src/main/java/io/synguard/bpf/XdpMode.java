package io.synguard.bpf;

/** How an XDP program is asked to attach. */
public enum XdpMode {
    /** Native where the driver supports XDP, else generic: the kernel decides. */
    AUTO(0),
    /** In the driver, before an skb exists; fails where the driver has no XDP support. */
    NATIVE(1 << 2),
    /** After the skb is built: works everywhere, costs more. */
    GENERIC(1 << 1);

    final int flags;

    XdpMode(int flags) {
        this.flags = flags;
    }
}

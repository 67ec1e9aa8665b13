package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What an interface's driver says it does with XDP: the kernel's {@code xdp_features}, asked of the
 * {@code netdev} generic netlink family (Linux >= 6.3) in the calling thread's network namespace.
 *
 * @param flags {@code NETDEV_XDP_ACT_*} bits
 */
public record XdpFeatures(long flags) {
    /** XDP_ABORTED, XDP_DROP, XDP_PASS and XDP_TX. */
    public static final long BASIC = 1;
    public static final long REDIRECT = 2;
    /** Takes XDP frames to transmit (ndo_xdp_xmit); on a veth, what XDP_TX on it needs of its peer. */
    public static final long NDO_XMIT = 4;

    /** {@code ssize_t send(int fd, const void *buf, size_t len, int flags);} */
    private static final MethodHandle SEND = Native.libcWithErrno("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    /** {@code ssize_t recv(int fd, void *buf, size_t len, int flags);} */
    private static final MethodHandle RECV = Native.libcWithErrno("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int NETLINK_GENERIC = 16;
    /** The kernel answers a generic netlink request before send returns: never wait for one. */
    private static final int MSG_DONTWAIT = 0x40;
    private static final int NLMSG_ERROR = 2;
    private static final int NLM_F_REQUEST = 1;
    private static final int HEADERS = 16 + 4;
    private static final int GENL_ID_CTRL = 0x10;
    private static final int CTRL_CMD_GETFAMILY = 3;
    private static final int CTRL_ATTR_FAMILY_ID = 1;
    private static final int CTRL_ATTR_FAMILY_NAME = 2;
    private static final int NETDEV_CMD_DEV_GET = 1;
    private static final int NETDEV_A_DEV_IFINDEX = 1;
    private static final int NETDEV_A_DEV_XDP_FEATURES = 3;
    private static final int REPLY_BYTES = 8192;

    public boolean has(long flag) {
        return (flags & flag) == flag;
    }

    /** What the kernel says of ifindex; empty where it does not say (no netdev family: before 6.3). */
    public static Optional<XdpFeatures> query(int ifindex) {
        int fd = Sockets.open(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC, "AF_NETLINK, NETLINK_GENERIC");
        try {
            byte[] name = "netdev\0".getBytes(StandardCharsets.US_ASCII);
            Optional<Integer> family = ask(fd, message(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME, name))
                    .flatMap(r -> attribute(r, CTRL_ATTR_FAMILY_ID)).map(v -> v.getShort(0) & 0xffff);
            if (family.isEmpty()) {
                return Optional.empty();
            }
            byte[] index = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(ifindex).array();
            return ask(fd, message(family.get(), NETDEV_CMD_DEV_GET, NETDEV_A_DEV_IFINDEX, index))
                    .flatMap(r -> attribute(r, NETDEV_A_DEV_XDP_FEATURES)).filter(v -> v.remaining() >= 8)
                    .map(v -> new XdpFeatures(v.getLong(0)));
        } finally {
            Fd.close(fd);
        }
    }

    /** Sends request and reads the reply: its payload past the headers, empty for an error or none. */
    private static Optional<ByteBuffer> ask(int fd, byte[] request) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocateFrom(JAVA_BYTE, request);
            Native.callSettingErrno("send(netlink)", null, n -> n < 0,
                    errno -> (long) SEND.invokeExact(errno, fd, out, (long) request.length, 0));
            MemorySegment in = arena.allocate(REPLY_BYTES);
            long n = Native.callSettingErrno("recv(netlink)", null, r -> r < 0,
                    errno -> (long) RECV.invokeExact(errno, fd, in, (long) REPLY_BYTES, MSG_DONTWAIT));
            return payload(ByteBuffer.wrap(in.asSlice(0, n).toArray(JAVA_BYTE)));
        }
    }

    /** A request: netlink and generic netlink headers, then one attribute. */
    static byte[] message(int type, int command, int attribute, byte[] value) {
        int attrLength = 4 + value.length;
        int length = HEADERS + align(attrLength);
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        b.putInt(length).putShort((short) type).putShort((short) NLM_F_REQUEST).putInt(1).putInt(0);
        b.put((byte) command).put((byte) 1).putShort((short) 0);
        b.putShort((short) attrLength).putShort((short) attribute).put(value);
        return b.array();
    }

    /** The first message of a reply, past its headers; empty for an error, or a message cut short. */
    static Optional<ByteBuffer> payload(ByteBuffer reply) {
        reply.order(ByteOrder.nativeOrder());
        if (reply.remaining() < HEADERS) {
            return Optional.empty();
        }
        int length = reply.getInt(0);
        int type = reply.getShort(4) & 0xffff;
        if (type == NLMSG_ERROR || length < HEADERS || length > reply.remaining()) {
            return Optional.empty();
        }
        return Optional.of(reply.slice(HEADERS, length - HEADERS).order(ByteOrder.nativeOrder()));
    }

    /** The value of the attribute of that type among attributes; empty if absent or malformed. */
    static Optional<ByteBuffer> attribute(ByteBuffer attributes, int type) {
        int at = 0;
        while (at + 4 <= attributes.limit()) {
            int length = attributes.getShort(at) & 0xffff;
            if (length < 4 || at + length > attributes.limit()) {
                return Optional.empty();
            }
            if ((attributes.getShort(at + 2) & 0x3fff) == type) {
                return Optional.of(attributes.slice(at + 4, length - 4).order(ByteOrder.nativeOrder()));
            }
            at += align(length);
        }
        return Optional.empty();
    }

    private static int align(int n) {
        return (n + 3) & ~3;
    }
}

package io.synguard.dataplane;

import io.synguard.bpf.Interfaces;
import io.synguard.bpf.NetNamespace;
import io.synguard.bpf.TcxLink;
import io.synguard.bpf.XdpLink;
import io.synguard.bpf.XdpMode;
import io.synguard.dataplane.DataplaneConfig.CookieMode;
import io.synguard.packet.FrameBuilder;
import io.synguard.testing.BpfTest;
import io.synguard.testing.Tcp;
import io.synguard.host.NamespaceNetwork;
import io.synguard.testing.TestNetwork;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.synguard.dataplane.Abi.Counter.COOKIES_REJECTED;
import static io.synguard.dataplane.Abi.Counter.COOKIES_SENT;
import static io.synguard.dataplane.Abi.Counter.COOKIES_UNASSIGNED;
import static io.synguard.dataplane.Abi.Counter.COOKIES_VALIDATED;
import static io.synguard.dataplane.Abi.Counter.SYN_PASSED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SYN cookies with real sockets: a client in one namespace connects over a veth pair to a server in
 * another, whose interface carries synguard's XDP program and, for synguard's own cookies, the TC
 * ACK check. Every connection must go through a cookie (the SYN is answered in XDP, never reaching
 * the listener), on both validation paths and both families.
 */
@BpfTest
class CookieEndToEndTest {
    private static final String SERVER = "198.18.0.1";
    private static final String SERVER6 = "2001:2::1";
    private static final String CLIENT = "198.18.0.2";
    private static final String CLIENT6 = "2001:2::2";
    private static final int PORT = 8080;
    private static final Duration CONNECT = Duration.ofSeconds(3);
    private static final int FLOOD = 2000;

    private static NamespaceNetwork network;
    private static String srvName;
    private static String netName;
    private static Path srv;
    private static Path net;
    private static Dataplane dataplane;
    private static CookieAck cookieAck;
    private static XdpLink xdp;
    private static TcxLink tc;
    private static Dataplane peerPlane;
    private static XdpLink peerXdp;
    private static Tcp.Server server;

    @BeforeAll
    static void setUp() {
        network = TestNetwork.create();
        srvName = network.namespace("ck-srv");
        netName = network.namespace("ck-net");
        srv = NamespaceNetwork.path(srvName);
        net = NamespaceNetwork.path(netName);
        network.veth(srvName, "sgd0", netName, "sgc0");
        network.exec(srvName, "ip", "addr", "add", SERVER + "/15", "dev", "sgd0");
        network.exec(srvName, "ip", "addr", "add", SERVER6 + "/48", "dev", "sgd0", "nodad");
        network.exec(netName, "ip", "addr", "add", CLIENT + "/15", "dev", "sgc0");
        network.exec(netName, "ip", "addr", "add", CLIENT6 + "/48", "dev", "sgc0", "nodad");
        server = new Tcp.Server(srv, PORT, SERVER, SERVER6);
        dataplane = Dataplane.load(Dataplane.Options.defaults().withMaxRules(64).withRateSets(64));
        cookieAck = CookieAck.load(dataplane).orElseThrow(() -> new AssertionError("no kfunc on this kernel"));
        // an ifindex means an interface of the calling thread's namespace
        NetNamespace.run(srv, () -> {
            int ifindex = Interfaces.index("sgd0");
            xdp = XdpLink.attach(dataplane.program(), ifindex, XdpMode.NATIVE);
            tc = TcxLink.attachIngress(cookieAck.program(), ifindex);
        });
        // XDP_TX on a veth needs NAPI at the peer; on this kernel GRO on the peer is not enough, an XDP
        // program is: synguard again, cookies off, passes everything the client receives
        peerPlane = Dataplane.load(Dataplane.Options.defaults().withMaxRules(64).withRateSets(64));
        NetNamespace.run(net, () -> peerXdp = XdpLink.attach(peerPlane.program(), Interfaces.index("sgc0"), XdpMode.NATIVE));
    }

    @AfterAll
    static void tearDown() throws IOException {
        try {
            for (AutoCloseable c : new AutoCloseable[]{peerXdp, peerPlane, tc, xdp, cookieAck, dataplane, server}) {
                if (c != null) {
                    c.close();
                }
            }
        } catch (Exception e) {
            throw new IOException(e);
        } finally {
            network.close();
        }
    }

    @BeforeEach
    void ownCookies() {
        sysctl("net.ipv4.tcp_syncookies=1");
        sysctl("net.ipv4.tcp_timestamps=1");
        dataplane.config().setCookies(CookieMode.OWN, kernelWindowScale(), 1460);
    }

    @Test
    void connectsThroughOwnCookiesOverIpv4() {
        assertConnectsThroughCookies(CLIENT, SERVER, true);
    }

    @Test
    void connectsThroughOwnCookiesOverIpv6() {
        assertConnectsThroughCookies(CLIENT6, SERVER6, true);
    }

    @Test
    void connectsThroughKernelCookiesOverIpv4() {
        kernelCookies();
        assertConnectsThroughCookies(CLIENT, SERVER, false);
    }

    @Test
    void connectsThroughKernelCookiesOverIpv6() {
        kernelCookies();
        assertConnectsThroughCookies(CLIENT6, SERVER6, false);
    }

    @Test
    void ownCookieConnectionsKeepWindowScaleSackAndTimestamps() throws IOException, InterruptedException {
        assertOptionsSurvive(CLIENT, SERVER);
        assertOptionsSurvive(CLIENT6, SERVER6);
    }

    @Test
    void kernelCookieConnectionsKeepWindowScaleSackAndTimestamps() throws IOException, InterruptedException {
        kernelCookies();
        assertOptionsSurvive(CLIENT, SERVER);
        assertOptionsSurvive(CLIENT6, SERVER6);
    }

    /**
     * What TCP_INFO says of the server's side of a connection made through a cookie: timestamps, SACK
     * and window scale in effect, both scales the kernel's (ss here does not show the options).
     */
    private void assertOptionsSurvive(String client, String target) throws IOException, InterruptedException {
        int port = PORT + 1;
        Process server = new ProcessBuilder("ip", "netns", "exec", srvName, "python3", "-c", TCP_INFO_SERVER, target,
                String.valueOf(port)).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream()))) {
            assertEquals("ready", out.readLine());
            long sent = dataplane.counters().read().get(COOKIES_SENT);
            try (SocketChannel c = NetNamespace.inside(net, CookieEndToEndTest::channel)) {
                c.bind(new InetSocketAddress(client, 0));
                c.connect(new InetSocketAddress(target, port));
                c.write(ByteBuffer.wrap(new byte[64 * 1024]));
            }
            int ws = kernelWindowScale(); // the client's namespace has the same buffers
            assertEquals("options 7 wscale " + ws + " " + ws, out.readLine(),
                    "timestamps, SACK and window scale (bits 1, 2, 4), both scales");
            assertEquals(sent + 1, dataplane.counters().read().get(COOKIES_SENT), "answered with a cookie");
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    /** Accepts one connection on argv[1]:argv[2], reads what comes, prints its TCP_INFO options. */
    private static final String TCP_INFO_SERVER = """
            import socket, sys
            s = socket.socket(socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET)
            s.bind((sys.argv[1], int(sys.argv[2])))
            s.listen(8)
            print('ready', flush=True)
            c, _ = s.accept()
            while c.recv(65536):
                pass
            i = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
            print('options', i[5], 'wscale', i[6] & 15, i[6] >> 4, flush=True)
            """;

    private static SocketChannel channel() {
        try {
            return SocketChannel.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aWrongCookieAckFloodOpensNoSocket() throws Exception {
        byte[] serverMac = HexFormat.ofDelimiter(":").parseHex(
                network.exec(srvName, "cat", "/sys/class/net/sgd0/address").strip());
        Random random = new Random(11);
        ByteBuffer frames = ByteBuffer.allocate(FLOOD * 200);
        for (int i = 0; i < FLOOD; i++) {
            byte[] f = CookieAckTest.withAck(FrameBuilder.tcp(CLIENT, SERVER).ports(20000 + i, PORT)
                    .flags(FrameBuilder.ACK).build(), random.nextInt());
            System.arraycopy(serverMac, 0, f, 0, 6);
            frames.putShort((short) f.length).put(f);
        }
        Path file = Files.createTempFile("synguard-acks-", ".bin");
        try {
            Files.write(file, java.util.Arrays.copyOf(frames.array(), frames.position()));
            long accepted = server.accepted();
            Counters.Snapshot before = dataplane.counters().read();
            network.exec(netName, "python3", "-c", SEND_FRAMES, "sgc0", file.toString());
            Thread.sleep(300);
            Counters.Snapshot delta = dataplane.counters().read().since(before);
            assertEquals(FLOOD, delta.get(COOKIES_REJECTED), "ACKs dropped (all changes: " + delta + ")");
            assertEquals(0, delta.get(COOKIES_VALIDATED));
            assertEquals(accepted, server.accepted(), "connections accepted");
            String established = network.exec(srvName, "ss", "-Htn", "state", "established");
            assertTrue(established.isBlank(), "no socket: " + established);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Sends the length-prefixed frames of a file out of an interface, raw. */
    private static final String SEND_FRAMES = """
            import socket, struct, sys, time
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind((sys.argv[1], 0))
            data = open(sys.argv[2], 'rb').read()
            i = sent = 0
            while i < len(data):
                (n,) = struct.unpack('>H', data[i:i + 2])
                s.send(data[i + 2:i + 2 + n])
                i += 2 + n
                sent += 1
                if sent % 64 == 0:
                    time.sleep(0.001)  # well inside the veth's ring: none lost on the way
            """;

    private void assertConnectsThroughCookies(String client, String target, boolean own) {
        Counters.Snapshot before = dataplane.counters().read();
        long accepted = server.accepted();
        assertTrue(Tcp.connects(net, client, target, PORT, CONNECT), client + " -> " + target);
        awaitAccepted(accepted + 1);
        Counters.Snapshot delta = dataplane.counters().read().since(before);
        assertEquals(1, delta.get(COOKIES_SENT), "SYNs answered in XDP (all changes: " + delta + ")");
        assertEquals(0, delta.get(SYN_PASSED), "SYNs that reached the listener");
        assertEquals(own ? 1 : 0, delta.get(COOKIES_VALIDATED), "ACKs validated at TC");
        assertEquals(0, delta.get(COOKIES_REJECTED));
        assertEquals(0, delta.get(COOKIES_UNASSIGNED), "the listener took every validated ACK's request socket");
    }

    private static void awaitAccepted(long n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (server.accepted() < n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(n, server.accepted(), "connections accepted");
    }

    private void kernelCookies() {
        sysctl("net.ipv4.tcp_syncookies=2");
        sysctl("net.ipv4.tcp_timestamps=2");
        // the kernel's cookie path takes the window scale it would choose itself: offer exactly that
        dataplane.config().setCookies(CookieMode.KERNEL, kernelWindowScale(), 1460);
    }

    /** The window scale the kernel gives a listener here: log2 of the largest receive buffer, less 15. */
    private static int kernelWindowScale() {
        long rmem = Long.parseLong(network.exec(srvName, "sysctl", "-n", "net.ipv4.tcp_rmem").strip().split("\\s+")[2]);
        long max = Long.parseLong(network.exec(srvName, "sysctl", "-n", "net.core.rmem_max").strip());
        return Math.clamp(63 - Long.numberOfLeadingZeros(Math.max(rmem, max)) - 15, 0, 14);
    }

    private static void sysctl(String setting) {
        network.exec(srvName, "sysctl", "-qw", setting);
    }
}

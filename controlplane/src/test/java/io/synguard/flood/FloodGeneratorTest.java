package io.synguard.flood;

import io.synguard.bpf.BpfProgram;
import io.synguard.host.NamespaceNetwork;
import io.synguard.net.Prefix;
import io.synguard.packet.Checksum;
import io.synguard.packet.FrameBuilder;
import io.synguard.testing.BpfTest;
import io.synguard.testing.TestNetwork;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@BpfTest
class FloodGeneratorTest {
    private static final byte[] PEER = {0x02, 0, 0, 0, 0, 0x42};
    private static final Prefix SERVER = Prefix.parse("198.18.0.1");
    private static final Prefix SERVER6 = Prefix.parse("2001:2::1");
    private static final int SAMPLES = 400;

    private static FloodGenerator generator;

    @BeforeAll
    static void load() {
        generator = FloodGenerator.load();
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    @Test
    void aFixedSourceFloodSendsValidSynsFromThatSource() {
        Flood flood = flood(Sources.parse("fixed:198.19.0.66"), SERVER);
        for (byte[] frame : samples(flood)) {
            assertValidSyn(frame);
            assertEquals("198.19.0.66", source(frame).addressText());
            assertArrayEquals(PEER, Arrays.copyOf(frame, 6));
            assertEquals(8080, (frame[36] & 0xff) << 8 | frame[37] & 0xff);
            assertTrue(((frame[34] & 0xff) << 8 | frame[35] & 0xff) >= 1024, "source ports above the well-known");
        }
    }

    @Test
    void aBotnetSpreadsOverItsHostsAndNoFurther() {
        Set<Prefix> seen = new HashSet<>();
        for (byte[] frame : samples(flood(Sources.parse("botnet:198.19.0.250+16"), SERVER))) {
            assertValidSyn(frame);
            seen.add(source(frame));
        }
        assertEquals(16, seen.size(), "all 16 hosts among " + SAMPLES + " frames");
        assertTrue(seen.contains(Prefix.parse("198.19.0.250")) && seen.contains(Prefix.parse("198.19.1.9")),
                "from 0.250 across the carry to 1.9");
        assertTrue(!seen.contains(Prefix.parse("198.19.1.10")) && !seen.contains(Prefix.parse("198.19.0.249")));
    }

    @Test
    void spoofedSourcesAreRandomInsideThePrefix() {
        Set<Prefix> seen = spoofedSources(Prefix.parse("198.18.0.0/15"), SERVER);
        assertTrue(seen.size() > SAMPLES * 9 / 10, "nearly every frame from a new source: " + seen.size());
    }

    @Test
    void ipv6FloodsCarryValidChecksumsToo() {
        assertEquals(SAMPLES, spoofedSources(Prefix.parse("2001:2:0:8000::/49"), SERVER6).size());
        for (byte[] frame : samples(flood(Sources.parse("botnet:2001:2::1:fffe+4"), SERVER6))) {
            assertValidSyn(frame);
            assertTrue(Prefix.parse("2001:2::1:fffe/127").contains(source(frame))
                    || Prefix.parse("2001:2::2:0/127").contains(source(frame)), source(frame).toString());
        }
    }

    @Test
    void aLegitShareComesFromTheLegitimateSource() {
        Prefix legit = Prefix.parse("198.18.0.2");
        Flood flood = flood(Sources.parse("fixed:198.19.0.66"), SERVER).withLegit(legit, 0.25);
        int fromLegit = 0;
        for (byte[] frame : samples(flood)) {
            assertValidSyn(frame);
            fromLegit += source(frame).equals(legit) ? 1 : 0;
        }
        assertTrue(fromLegit > SAMPLES / 8 && fromLegit < SAMPLES * 3 / 8, "about a quarter: " + fromLegit);
        assertTrue(samples(flood.withLegit(legit, 1)).stream().allMatch(f -> source(f).equals(legit)));
    }

    @Test
    void sendsTheFloodOutOfAVethAtTheRateAsked() throws Exception {
        try (NamespaceNetwork net = TestNetwork.create()) {
            Link link = Link.of(net);
            // a veth delivers XDP frames only to a peer with NAPI: GRO turns it on
            net.exec(link.dut(), "ethtool", "-K", "sgf1", "gro", "on");
            byte[] mac = HexFormat.ofDelimiter(":").parseHex(net.exec(link.dut(), "cat", "/sys/class/net/sgf1/address").strip());
            List<FloodGenerator.Progress> progress = new ArrayList<>();
            Flood flood = Flood.of(Sources.parse("botnet:198.19.0.1+100"), SERVER, 8080, 20_000, 30_000,
                    Duration.ofSeconds(10));

            FloodGenerator.Report report = generator.run(flood, new FloodGenerator.Egress(NamespaceNetwork.path(link.gen()), "sgf0",
                    mac, -1), progress::add);

            assertEquals(30_000, report.sent());
            assertTrue(report.elapsedNanos() > 1_400_000_000L && report.elapsedNanos() < 2_500_000_000L,
                    "30k frames at 20k/s take 1.5 s: " + report.elapsedNanos() / 1e9);
            assertTrue(!progress.isEmpty() && progress.getFirst().recentPps() > 15_000 && progress.getFirst().recentPps() < 25_000,
                    progress.toString());
            long received = Long.parseLong(net.exec(link.dut(), "cat", "/sys/class/net/sgf1/statistics/rx_packets").strip())
                    + Long.parseLong(net.exec(link.dut(), "cat", "/sys/class/net/sgf1/statistics/rx_dropped").strip());
            assertTrue(received >= 30_000, "the peer saw them all: " + received);
        }
    }

    @Test
    void aRateCappedFloodIsPacedByTheClockItIsGiven() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        ThreadLocal<Long> seen = ThreadLocal.withInitial(now::get);
        FloodGenerator.Pace fake = new FloodGenerator.Pace() {
            @Override
            public long nanoTime() {
                seen.set(now.get());
                return seen.get();
            }

            @Override
            public void sleep(long nanos) {
                now.accumulateAndGet(seen.get() + nanos, Math::max); // each sender wakes at its own time
            }
        };
        try (NamespaceNetwork net = TestNetwork.create(); FloodGenerator paced = FloodGenerator.load(fake)) {
            Link link = Link.of(net);
            Flood flood = Flood.of(Sources.parse("fixed:198.19.0.66"), SERVER, 8080, 1000, 0, Duration.ofSeconds(2));
            FloodGenerator.Report report = paced.run(flood, new FloodGenerator.Egress(NamespaceNetwork.path(link.gen()), "sgf0", PEER, -1),
                    p -> { });

            // 1000 a second for 2 s, in chunks of one batch due at their share of the rate: 8 fit, the
            // last of them at 1.79 s, unless the other sender's wait for the deadline overtakes it
            assertTrue(report.sent() == 8 * FloodGenerator.BATCH || report.sent() == 7 * FloodGenerator.BATCH,
                    "sent " + report.sent());
        }
    }

    @Test
    void aSmoothFloodReachesAReceiverOnAnotherCpuFrameByFrameNotInBurstsItsRingLoses() throws Exception {
        try (NamespaceNetwork net = TestNetwork.create()) {
            Link link = Link.of(net);
            // the receiver's NAPI in a thread of its own on the other CPU: a burst longer than its
            // 256-frame ring, as a rate-capped flood that is not smooth sends, overflows it
            net.exec(link.dut(), "ethtool", "-K", "sgf1", "gro", "on");
            net.exec(link.dut(), "sh", "-c", "echo 1 > /sys/class/net/sgf1/threaded");
            int cpus = Runtime.getRuntime().availableProcessors();
            net.exec(link.dut(), "sh", "-c", "for p in $(pgrep '^napi/sgf1-'); do taskset -pc " + (cpus - 1)
                    + " $p >/dev/null; chrt -f -p 50 $p; done");
            byte[] mac = HexFormat.ofDelimiter(":").parseHex(net.exec(link.dut(), "cat", "/sys/class/net/sgf1/address").strip());
            Flood flood = Flood.of(Sources.parse("spoofed:198.19.0.0/16"), SERVER, 8080, 100_000, 50_000,
                    Duration.ofSeconds(5)).smoothly();

            FloodGenerator.Report report = generator.run(flood, new FloodGenerator.Egress(NamespaceNetwork.path(link.gen()),
                    "sgf0", mac, 0), p -> { });

            // frames the ring had no room for count as rx_dropped there, not as rx_packets
            long received = Long.parseLong(net.exec(link.dut(), "cat", "/sys/class/net/sgf1/statistics/rx_packets").strip());
            assertEquals(50_000, report.sent());
            // sent in bursts, the ring loses more than half; smooth, next to nothing (a margin for a
            // loaded machine, where the receiver's thread waits for its CPU now and then)
            assertTrue(received >= report.sent() * 9 / 10, "the ring lost " + (report.sent() - received) + " frames");
        }
    }

    @Test
    void aSmoothFloodIsSpacedEvenlyAndReachesTheReceiverAFewFramesAtATime() {
        Flood bursts = Flood.of(Sources.parse("fixed:198.19.0.66"), SERVER, 8080, 100_000, 0, Duration.ofSeconds(1));
        assertEquals(0, FloodGenerator.gapNanos(bursts));
        assertEquals(FloodGenerator.BATCH, FloodGenerator.batch(bursts));
        assertEquals(10_000, FloodGenerator.gapNanos(bursts.smoothly()));
        assertEquals(0, FloodGenerator.gapNanos(flood(Sources.parse("fixed:198.19.0.66"), SERVER).smoothly()), "flat out");
        assertEquals(4, FloodGenerator.batch(bursts.smoothly()));
        assertEquals(4, FloodGenerator.batch(withRate(bursts, 1000).smoothly()));
        assertEquals(1, FloodGenerator.gapNanos(withRate(bursts, 5_000_000_000L).smoothly()));
    }

    @Test
    void aPacedFloodIsHandedOverItsBurstAtATimeAndNoMoreThanAQuarterRing() {
        Flood bursts = Flood.of(Sources.parse("fixed:198.19.0.66"), SERVER, 8080, 6_000_000, 0, Duration.ofSeconds(1));
        assertEquals(64, FloodGenerator.batch(bursts.paced(64)));
        assertEquals(166, FloodGenerator.gapNanos(bursts.paced(64)));
        assertEquals(FloodGenerator.BATCH, FloodGenerator.batch(withRate(bursts, 0).paced(64)), "flat out is not paced");
        assertThrows(IllegalArgumentException.class, () -> bursts.paced(Flood.MAX_BURST + 1));
        assertThrows(IllegalArgumentException.class, () -> bursts.paced(-1));
    }

    private static Flood withRate(Flood f, long rate) {
        return Flood.of(f.sources(), f.target(), f.port(), rate, f.count(), f.duration());
    }

    @Test
    void theRepliesProgramDropsAnswersToASpoofedFloodsSourcesAndPassesTheRest() {
        samples(flood(Sources.parse("spoofed:198.19.128.0/17"), SERVER));
        byte[] toSpoofed = FrameBuilder.tcp("198.18.0.1", "198.19.200.1")
                .flags(FrameBuilder.SYN | FrameBuilder.ACK).build();
        byte[] toClient = FrameBuilder.tcp("198.18.0.1", "198.19.0.2")
                .flags(FrameBuilder.SYN | FrameBuilder.ACK).build();
        assertEquals(BpfProgram.XDP_DROP, generator.replyAction(toSpoofed));
        assertEquals(BpfProgram.XDP_PASS, generator.replyAction(toClient));
        byte[] toSpoofed6 = FrameBuilder.tcp("2001:2::1", "2001:2:0:8000::7").flags(FrameBuilder.SYN | FrameBuilder.ACK).build();
        samples(flood(Sources.parse("spoofed:2001:2:0:8000::/49"), Prefix.parse("2001:2::1")));
        assertEquals(BpfProgram.XDP_DROP, generator.replyAction(toSpoofed6));
        samples(flood(Sources.parse("botnet:198.19.0.1+100"), SERVER));
        assertEquals(BpfProgram.XDP_PASS, generator.replyAction(toSpoofed), "a botnet's hosts take their answers in");
    }

    @Test
    void aDeadlineEndsAFloodThatCountWouldNot() throws Exception {
        try (NamespaceNetwork net = TestNetwork.create()) {
            Link link = Link.of(net);
            Flood flood = Flood.of(Sources.parse("fixed:198.19.0.66"), SERVER, 8080, 0, 0, Duration.ofMillis(300));

            FloodGenerator.Report report = generator.run(flood, new FloodGenerator.Egress(NamespaceNetwork.path(link.gen()), "sgf0",
                    PEER, -1), p -> { });

            assertTrue(report.elapsedNanos() >= 300_000_000L && report.elapsedNanos() < 1_000_000_000L,
                    "stopped near 0.3 s: " + report.elapsedNanos() / 1e9);
            assertTrue(report.sent() > 0);
        }
    }

    /** The sources of a spoofed flood's sample, each frame a valid SYN from inside within. */
    private static Set<Prefix> spoofedSources(Prefix within, Prefix target) {
        Set<Prefix> seen = new HashSet<>();
        for (byte[] frame : samples(flood(Sources.parse("spoofed:" + within), target))) {
            assertValidSyn(frame);
            assertTrue(within.contains(source(frame)), source(frame) + " outside " + within);
            seen.add(source(frame));
        }
        return seen;
    }

    /** A generator's namespace and a device under test's, joined by a veth: sgf0 in gen, sgf1 in dut. */
    private record Link(String gen, String dut) {
        static Link of(NamespaceNetwork net) {
            Link link = new Link(net.namespace("gen"), net.namespace("dut"));
            net.veth(link.gen, "sgf0", link.dut, "sgf1");
            return link;
        }
    }

    private static Flood flood(Sources sources, Prefix target) {
        return Flood.of(sources, target, 8080, 0, 0, Duration.ofSeconds(1));
    }

    private static List<byte[]> samples(Flood flood) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            frames.add(generator.sample(flood, PEER));
        }
        return frames;
    }

    private static boolean ipv4(byte[] frame) {
        return frame[12] == 0x08 && frame[13] == 0x00;
    }

    private static Prefix source(byte[] frame) {
        return ipv4(frame) ? Prefix.parse(addressText(Arrays.copyOfRange(frame, 26, 30)))
                : Prefix.parse(addressText(Arrays.copyOfRange(frame, 22, 38)));
    }

    private static String addressText(byte[] address) {
        try {
            return java.net.InetAddress.getByAddress(address).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A SYN whose IP header (IPv4) and TCP checksums both verify. */
    private static void assertValidSyn(byte[] frame) {
        int l3 = Template.ETH;
        int l4;
        byte[] pseudo;
        if (ipv4(frame)) {
            assertEquals(0xffff, Checksum.sum(Arrays.copyOfRange(frame, l3, l3 + 20)), "IPv4 header checksum");
            l4 = l3 + 20;
            int length = ((frame[l3 + 2] & 0xff) << 8 | frame[l3 + 3] & 0xff) - 20;
            pseudo = ByteBuffer.allocate(12 + length).put(frame, l3 + 12, 8).put((byte) 0).put((byte) 6)
                    .putShort((short) length).put(frame, l4, length).array();
        } else {
            l4 = l3 + 40;
            int length = (frame[l3 + 4] & 0xff) << 8 | frame[l3 + 5] & 0xff;
            pseudo = ByteBuffer.allocate(40 + length).put(frame, l3 + 8, 32).putInt(length).putInt(6)
                    .put(frame, l4, length).array();
        }
        assertEquals(0xffff, Checksum.sum(pseudo), "TCP checksum");
        assertEquals(0x02, frame[l4 + 13], "a bare SYN");
    }
}

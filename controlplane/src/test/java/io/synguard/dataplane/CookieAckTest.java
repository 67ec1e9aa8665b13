package io.synguard.dataplane;

import io.synguard.bpf.BpfProgram;
import io.synguard.bpf.Cpus;
import io.synguard.bpf.TestRun;
import io.synguard.dataplane.Abi.Counter;
import io.synguard.dataplane.DataplaneConfig.CookieMode;
import io.synguard.dataplane.SynCookies.Segment;
import io.synguard.packet.FrameBuilder;
import io.synguard.testing.BpfTest;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static io.synguard.dataplane.Abi.Counter.COOKIES_REJECTED;
import static io.synguard.dataplane.Abi.Counter.COOKIES_UNASSIGNED;
import static io.synguard.dataplane.Abi.Counter.COOKIES_VALIDATED;
import static io.synguard.packet.FrameBuilder.ACK;
import static io.synguard.packet.FrameBuilder.PSH;
import static io.synguard.packet.FrameBuilder.RST;
import static io.synguard.packet.FrameBuilder.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The TC half of synguard's own cookies, row by row through BPF_PROG_TEST_RUN in a namespace with a
 * real listener on port 80: which ACKs pass (TC_ACT_OK) and which drop (TC_ACT_SHOT), and what is
 * counted. A test run is not TC ingress, so the kfunc itself refuses there: every good cookie is
 * also counted unassigned; the end-to-end test covers the hand-over, where none is.
 */
@BpfTest
class CookieAckTest {
    static final int TC_ACT_OK = 0;
    static final int TC_ACT_SHOT = 2;
    /** MSS index 3, window scale 7, SACK. */
    static final int INFO = 3 | 7 << 2 | 0x40;
    private static final byte[] TIMESTAMPS = {1, 1, 8, 10, 0, 0, 0, 7, 0x12, 0x34, 0x56, 0x40};

    private static CookieTestbed testbed;
    private static Dataplane dataplane;

    @BeforeAll
    static void setUp() {
        Cpus.pinCurrentThread(0); // the per-source ACK budget is per CPU
        testbed = new CookieTestbed("cookie-ack");
        dataplane = testbed.dataplane;
        testbed.ack();
    }

    @AfterAll
    static void tearDown() {
        testbed.close();
    }

    @BeforeEach
    void reset() {
        dataplane.config().setCookies(CookieMode.OWN, 7, 1460);
        dataplane.config().setMode(DataplaneConfig.Mode.ENFORCE);
        dataplane.cookieKeys().set(CookieVerdictTest.KEYS, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void ack(Row row) {
        row.setup.accept(dataplane);
        Counters.Snapshot before = dataplane.counters().read();
        int verdict = run(row.frame.apply(SynCookies.count()));
        Counters.Snapshot delta = dataplane.counters().read().since(before);
        assertEquals(row.verdict, verdict, "verdict");
        CounterValues.assertChanges(row.counts, delta);
    }

    @Test
    void validCookieAcksFromOneSourceAreLimitedPerWindow() throws InterruptedException {
        VerdictTableTest.awaitFreshWindow();
        byte[] frame = ack("198.18.40.99", 40000, 0, SynCookies.count(), INFO, ACK);
        Counters.Snapshot before = dataplane.counters().read();
        for (int i = 0; i < Abi.COOKIE_ACK_BURST; i++) {
            assertEquals(TC_ACT_OK, run(frame), "ACK " + (i + 1));
        }
        assertEquals(TC_ACT_SHOT, run(frame), "the ACK past the burst");
        Counters.Snapshot delta = dataplane.counters().read().since(before);
        assertEquals(Abi.COOKIE_ACK_BURST, delta.get(COOKIES_VALIDATED));
        assertEquals(1, delta.get(COOKIES_REJECTED));
    }

    static int run(byte[] frame) {
        BpfProgram program = testbed.ack().program();
        return testbed.inside(() -> program.testRun(TestRun.once(frame)).retval());
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("IPv4 ACK with a valid cookie passes",
                        now -> ack("198.18.40.1", 40000, 0, now, INFO, ACK), TC_ACT_OK)
                        .counts(COOKIES_VALIDATED, 1, COOKIES_UNASSIGNED, 1),
                new Row("IPv6 ACK with a valid cookie passes",
                        now -> ack("2001:2:0:40::1", 40000, 0, now, INFO, ACK), TC_ACT_OK)
                        .counts(COOKIES_VALIDATED, 1, COOKIES_UNASSIGNED, 1),
                new Row("valid cookie, ACK carrying data and timestamps",
                        now -> ack("198.18.40.2", 40001, 0, now, INFO, ACK | PSH), TC_ACT_OK).counts(COOKIES_VALIDATED, 1, COOKIES_UNASSIGNED, 1),
                new Row("a cookie of the previous key slot passes after a rotation",
                        now -> ack("198.18.40.3", 40000, 0, now, INFO, ACK), TC_ACT_OK)
                        .given(dp -> dp.cookieKeys().set(CookieVerdictTest.KEYS, 1)).counts(COOKIES_VALIDATED, 1, COOKIES_UNASSIGNED, 1),
                new Row("a cookie of the previous time counter passes",
                        now -> ack("198.18.40.4", 40000, 0, now - 1, INFO, ACK), TC_ACT_OK).counts(COOKIES_VALIDATED, 1, COOKIES_UNASSIGNED, 1),
                new Row("an expired cookie (two counters old) drops",
                        now -> ack("198.18.40.5", 40000, 0, now - 2, INFO, ACK), TC_ACT_SHOT).counts(COOKIES_REJECTED, 1),
                new Row("a wrong cookie drops",
                        now -> withAck(ack("198.18.40.6", 40000, 0, now, INFO, ACK), 0x5eed1234), TC_ACT_SHOT)
                        .counts(COOKIES_REJECTED, 1),
                new Row("a cookie whose info byte was changed drops",
                        now -> flipInfo(ack("198.18.40.7", 40000, 0, now, INFO, ACK)),
                        TC_ACT_SHOT).counts(COOKIES_REJECTED, 1),
                new Row("a cookie for another 4-tuple (source port) drops",
                        now -> withSourcePort(ack("198.18.40.8", 40000, 0, now, INFO, ACK), 40002), TC_ACT_SHOT)
                        .counts(COOKIES_REJECTED, 1),
                new Row("a cookie for another client address drops",
                        now -> withSourceAddress(ack("198.18.40.9", 40000, 0, now, INFO, ACK), "198.18.40.10"), TC_ACT_SHOT)
                        .counts(COOKIES_REJECTED, 1),
                new Row("a cookie made under a key neither slot holds drops",
                        now -> ack("198.18.40.11", 40000, 0, now, INFO, ACK), TC_ACT_SHOT)
                        .given(dp -> dp.cookieKeys().set(new long[]{1, 2, 3, 4}, 0)).counts(COOKIES_REJECTED, 1),
                new Row("an ACK to a port nobody listens on is the stack's",
                        now -> withDestinationPort(ack("198.18.40.12", 40000, 0, now, INFO, ACK), 81), TC_ACT_OK),
                new Row("RST is not looked at",
                        now -> withAck(ack("198.18.40.13", 40000, 0, now, INFO, ACK | RST), 1), TC_ACT_OK),
                new Row("SYN-ACK is not looked at",
                        now -> withAck(ack("198.18.40.14", 40000, 0, now, INFO, SYN | ACK), 1), TC_ACT_OK),
                new Row("cookies off: nothing is looked at",
                        now -> withAck(ack("198.18.40.15", 40000, 0, now, INFO, ACK), 1), TC_ACT_OK)
                        .given(dp -> dp.config().setCookies(CookieMode.OFF, 7, 1460)),
                new Row("monitor mode: no SYN got a cookie, so no ACK is looked at",
                        now -> withAck(ack("198.18.40.17", 40000, 0, now, INFO, ACK), 1), TC_ACT_OK)
                        .given(dp -> dp.config().setMode(DataplaneConfig.Mode.MONITOR)),
                new Row("kernel cookies: the stack checks, not synguard",
                        now -> withAck(ack("198.18.40.16", 40000, 0, now, INFO, ACK), 1), TC_ACT_OK)
                        .given(dp -> dp.config().setCookies(CookieMode.KERNEL, 7, 1460)));
    }

    /** An ACK answering a cookie made under key slot with counter count, the client's ISN 0x1000. */
    static byte[] ack(String src, int sport, int slot, long count, int info, int flags) {
        FrameBuilder b = FrameBuilder.tcp(src, src.contains(":") ? "2001:2::1" : "198.18.0.1").ports(sport, 80).flags(flags)
                .tcpOptions(TIMESTAMPS);
        if ((flags & PSH) != 0) {
            b.payload(new byte[64]);
        }
        byte[] frame = b.build();
        Segment seg = Segment.parse(frame);
        int isn = seg.isn() - 1;
        int cookie = SynCookies.cookie(CookieVerdictTest.KEYS, slot, seg.withIsn(isn), count, info);
        return withAck(frame, cookie + 1);
    }

    static byte[] withAck(byte[] frame, int ack) {
        byte[] f = frame.clone();
        ByteBuffer.wrap(f).putInt(Segment.parse(f).l4Offset() + 8, ack);
        return f;
    }

    static byte[] flipInfo(byte[] frame) {
        int ack = Segment.parse(frame).ack();
        return withAck(frame, ack ^ 0x04);
    }

    static byte[] withSourcePort(byte[] frame, int port) {
        byte[] f = frame.clone();
        ByteBuffer.wrap(f).putShort(Segment.parse(f).l4Offset(), (short) port);
        return f;
    }

    static byte[] withDestinationPort(byte[] frame, int port) {
        byte[] f = frame.clone();
        ByteBuffer.wrap(f).putShort(Segment.parse(f).l4Offset() + 2, (short) port);
        return f;
    }

    static byte[] withSourceAddress(byte[] frame, String address) {
        byte[] f = frame.clone();
        byte[] a = java.net.InetAddress.ofLiteral(address).getAddress();
        System.arraycopy(a, 0, f, 14 + 12, 4);
        return f;
    }

    /** One row: an ACK, its verdict, and every counter change. */
    static final class Row {
        final String name;
        final LongFunction<byte[]> frame;
        final int verdict;
        final Map<Counter, Long> counts = new EnumMap<>(Counter.class);
        Consumer<Dataplane> setup = dp -> {};

        /** frame: the ACK, given the cookie time counter at the time of the run. */
        Row(String name, LongFunction<byte[]> frame, int verdict) {
            this.name = name;
            this.frame = frame;
            this.verdict = verdict;
        }

        Row given(Consumer<Dataplane> s) {
            setup = s;
            return this;
        }

        Row counts(Object... pairs) {
            CounterValues.put(counts, pairs);
            return this;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}

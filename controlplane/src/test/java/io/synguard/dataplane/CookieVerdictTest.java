package io.synguard.dataplane;

import io.synguard.bpf.BpfProgram;
import io.synguard.bpf.Cpus;
import io.synguard.bpf.TestRun;
import io.synguard.dataplane.Abi.Counter;
import io.synguard.dataplane.DataplaneConfig.CookieMode;
import io.synguard.dataplane.SynCookies.Choice;
import io.synguard.dataplane.SynCookies.Segment;
import io.synguard.net.Prefix;
import io.synguard.packet.FrameBuilder;
import io.synguard.testing.BpfTest;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static io.synguard.bpf.BpfProgram.XDP_DROP;
import static io.synguard.bpf.BpfProgram.XDP_PASS;
import static io.synguard.bpf.BpfProgram.XDP_TX;
import static io.synguard.dataplane.Abi.Counter.COOKIES_SENT;
import static io.synguard.dataplane.Abi.Counter.DROPPED_BLOCKLIST;
import static io.synguard.dataplane.Abi.Counter.DROPPED_RATELIMIT;
import static io.synguard.dataplane.Abi.Counter.EVENTS;
import static io.synguard.dataplane.Abi.Counter.PACKETS;
import static io.synguard.dataplane.Abi.Counter.PASSED_ALLOWLIST;
import static io.synguard.dataplane.Abi.Counter.RL_ADMITTED;
import static io.synguard.dataplane.Abi.Counter.SYN_PASSED;
import static io.synguard.dataplane.Abi.Counter.TCP;
import static io.synguard.packet.FrameBuilder.CWR;
import static io.synguard.packet.FrameBuilder.ECE;
import static io.synguard.packet.FrameBuilder.FIN;
import static io.synguard.packet.FrameBuilder.IPPROTO_DSTOPTS;
import static io.synguard.packet.FrameBuilder.IPPROTO_HOPOPTS;
import static io.synguard.packet.FrameBuilder.RST;
import static io.synguard.packet.FrameBuilder.SYN;
import static io.synguard.packet.FrameBuilder.TPID_8021AD;
import static io.synguard.packet.FrameBuilder.TPID_8021Q;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cookie step of the XDP program, row by row through BPF_PROG_TEST_RUN: every SYN-ACK is held
 * byte for byte against {@link SynCookies}, and every counter change is named. The runs happen in a
 * namespace of their own where a real socket listens on port 80 (both families): the program looks
 * the listener up in the namespace of the thread that runs it.
 */
@BpfTest
class CookieVerdictTest {
    static final long[] KEYS = {0x0123456789abcdefL, 0x0fedcba987654321L, 0x1111222233334444L, 0x5555666677778888L};
    static final int WSCALE = 7;
    static final int MSS = 1460;
    private static final String DUT4 = "198.18.0.1";
    private static final String DUT6 = "2001:2::1";
    private static final byte[] ALL_OPTIONS = {2, 4, 0x05, (byte) 0xb4, 4, 2, 8, 10, 0, 0, 0, 9, 0, 0, 0, 0, 1, 3, 3, 7};

    private static CookieTestbed testbed;
    private static Dataplane dataplane;

    @BeforeAll
    static void setUp() {
        Cpus.pinCurrentThread(0);
        testbed = new CookieTestbed("cookies", "net.ipv4.tcp_syncookies=2"); // for the kernel's cookies
        dataplane = testbed.dataplane;
    }

    @AfterAll
    static void tearDown() {
        testbed.close();
    }

    @BeforeEach
    void reset() {
        VerdictTableTest.reset(dataplane);
        dataplane.config().setCookies(CookieMode.OWN, WSCALE, MSS);
        dataplane.cookieKeys().set(KEYS, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void cookieStep(Row row) throws InterruptedException {
        BpfProgram program = dataplane.program();
        row.run(dataplane, () -> {
            for (Send send : row.sends) {
                long countBefore = SynCookies.count();
                long msBefore = System.nanoTime() / 1_000_000;
                TestRun.Result result = testbed.inside(() -> program.testRun(TestRun.once(send.frame)));
                long countAfter = SynCookies.count();
                long msAfter = System.nanoTime() / 1_000_000;
                assertEquals(VerdictTableTest.names(List.of(send.verdict)), VerdictTableTest.names(List.of(result.retval())),
                        "verdict");
                if (send.verdict == XDP_TX) {
                    checkSynAck(send.frame, result.output(), row.kernel, row.slot, countBefore, countAfter, msBefore,
                            msAfter, row.wscale, row.mss);
                }
            }
        });
    }

    /** The answer must be exactly the model's: cookie, options, timestamps, checksums. */
    static void checkSynAck(byte[] synFrame, byte[] out, boolean kernel, int slot, long countBefore, long countAfter,
                            long msBefore, long msAfter, int wscale, int mss) {
        Segment syn = Segment.parse(synFrame);
        Segment answer = Segment.parse(out);
        Choice choice = SynCookies.choose(syn, kernel);
        int seq = answer.isn();
        if (!kernel) {
            int early = SynCookies.cookie(KEYS, slot, syn, countBefore, choice.info());
            int late = SynCookies.cookie(KEYS, slot, syn, countAfter, choice.info());
            assertTrue(seq == early || seq == late, "cookie " + Integer.toHexString(seq) + ", expected "
                    + Integer.toHexString(early) + " or " + Integer.toHexString(late));
        }
        int tsval = 0;
        if (syn.ts()) {
            tsval = answer.tsval();
            assertEquals(choice.tsBits(), tsval & 0x3f, "timestamp's option bits");
            long low = (msBefore & ~0x3fL) - 64;
            assertTrue(Integer.toUnsignedLong(tsval) >= (low & 0xffffffffL) && Integer.toUnsignedLong(tsval) <= (msAfter & 0xffffffffL),
                    "timestamp " + Integer.toUnsignedLong(tsval) + " outside [" + low + ", " + msAfter + "]");
        }
        byte[] expected = SynCookies.synAck(syn, choice, seq, tsval, wscale, mss);
        HexFormat hex = HexFormat.ofDelimiter(" ");
        assertEquals(hex.formatHex(expected), hex.formatHex(out), "SYN-ACK");
    }

    static Stream<Row> rows() {
        return Stream.of(
                row("IPv4 SYN without options: MSS 536, nothing more offered").answered(tcp("198.18.20.1")),
                row("IPv4 SYN with MSS 1460 only").answered(tcp("198.18.20.2").tcpOptions(new byte[]{2, 4, 5, (byte) 0xb4})),
                row("IPv4 SYN with MSS 1400: index of 1300").answered(tcp("198.18.20.3").tcpOptions(new byte[]{2, 4, 5, 0x78})),
                row("IPv4 SYN with window scale only").answered(tcp("198.18.20.4").tcpOptions(new byte[]{1, 3, 3, 9})),
                row("IPv4 SYN with window scale 15: taken as 14").answered(tcp("198.18.20.5").tcpOptions(new byte[]{1, 3, 3, 15})),
                row("IPv4 SYN with SACK permitted only").answered(tcp("198.18.20.6").tcpOptions(new byte[]{1, 1, 4, 2})),
                row("IPv4 SYN with timestamps only")
                        .answered(tcp("198.18.20.7").tcpOptions(new byte[]{1, 1, 8, 10, 0, 0, 0, 5, 0, 0, 0, 0})),
                row("IPv4 SYN with MSS, SACK, timestamps and window scale").answered(tcp("198.18.20.8").tcpOptions(ALL_OPTIONS)),
                row("ECN-setup SYN: ECE in the answer, ECN in the cookie")
                        .answered(tcp("198.18.20.9").flags(SYN | ECE | CWR).tcpOptions(ALL_OPTIONS)),
                row("802.1Q-tagged SYN: the tag is kept").answered(tcp("198.18.20.10").vlan(TPID_8021Q, 100).tcpOptions(ALL_OPTIONS)),
                row("QinQ SYN: both tags kept")
                        .answered(tcp("198.18.20.11").vlan(TPID_8021AD, 10).vlan(TPID_8021Q, 20).tcpOptions(ALL_OPTIONS)),
                row("IPv4 options (NOPs) are not echoed").answered(tcp("198.18.20.12").ipv4Options(new byte[]{1, 1, 1, 1})),
                row("IPv4 record route, maximum IHL: not echoed")
                        .answered(tcp("198.18.20.13").ipv4Options(VerdictTableTest.recordRoute()).tcpOptions(ALL_OPTIONS)),
                row("SYN carrying data (TCP Fast Open): answered, the data not acknowledged")
                        .answered(tcp("198.18.20.14").payload(new byte[100]).tcpOptions(ALL_OPTIONS)),
                row("IPv6 SYN without options: MSS 1220").answered(tcp("2001:2:0:20::1")),
                row("IPv6 SYN with every option: MSS 1460 gives index of 1440").answered(tcp("2001:2:0:20::2").tcpOptions(ALL_OPTIONS)),
                row("IPv6 SYN with MSS 8940").answered(tcp("2001:2:0:20::3").tcpOptions(new byte[]{2, 4, 0x22, (byte) 0xec})),
                row("IPv6 SYN behind hop-by-hop and destination options: not echoed")
                        .answered(tcp("2001:2:0:20::4").ipv6Header(IPPROTO_HOPOPTS, new byte[6])
                                .ipv6Header(IPPROTO_DSTOPTS, new byte[14]).tcpOptions(ALL_OPTIONS)),
                row("IPv6 SYN in a VLAN").answered(tcp("2001:2:0:20::5").vlan(TPID_8021Q, 7).tcpOptions(ALL_OPTIONS)),
                row("the current key slot is 1: cookies made under it").given(dp -> dp.cookieKeys().set(KEYS, 1)).slot(1)
                        .answered(tcp("198.18.20.15").tcpOptions(ALL_OPTIONS)),
                row("offered window scale and MSS come from the config")
                        .given(dp -> dp.config().setCookies(CookieMode.OWN, 9, 8960)).offers(9, 8960)
                        .answered(tcp("198.18.20.16").tcpOptions(ALL_OPTIONS)),

                row("kernel cookie, IPv4 with every option").kernel().answered(tcp("198.18.21.1").tcpOptions(ALL_OPTIONS)),
                row("kernel cookie, IPv4 without timestamps: MSS only")
                        .kernel().answered(tcp("198.18.21.2").tcpOptions(new byte[]{2, 4, 5, (byte) 0xb4, 1, 3, 3, 7, 1, 1, 4, 2})),
                row("kernel cookie, IPv6 with every option").kernel().answered(tcp("2001:2:0:21::1").tcpOptions(ALL_OPTIONS)),

                row("SYN+FIN is left to the stack").send(tcp("198.18.22.1").flags(SYN | FIN).build(), XDP_PASS).passed(1),
                row("SYN+RST is left to the stack").send(tcp("198.18.22.2").flags(SYN | RST).build(), XDP_PASS).passed(1),
                row("no listener on the port: no SYN-ACK, the stack answers")
                        .send(tcp("198.18.22.3").ports(40000, 81).build(), XDP_PASS).passed(1),
                row("IPv6, no listener on the port").send(tcp("2001:2:0:22::1").ports(40000, 81).build(), XDP_PASS).passed(1),
                row("cookies off: the SYN passes").given(dp -> dp.config().setCookies(CookieMode.OFF, WSCALE, MSS))
                        .send(tcp("198.18.22.4").build(), XDP_PASS).passed(1),
                row("a first fragment's SYN is left to the stack, its other fragments with it")
                        .send(tcp("198.18.22.9").fragment(0, true).build(), XDP_PASS).passed(1),
                row("monitor mode sends no cookies").given(dp -> dp.config().setMode(DataplaneConfig.Mode.MONITOR))
                        .send(tcp("198.18.22.5").build(), XDP_PASS).passed(1),
                row("an allowlisted SYN passes before the cookie step").given(allow("198.18.22.6"))
                        .send(tcp("198.18.22.6").build(), XDP_PASS)
                        .counts(PACKETS, 1, TCP, 1, Counter.SYN, 1, SYN_PASSED, 1, PASSED_ALLOWLIST, 1),
                row("a blocked SYN drops before the cookie step").given(block("198.18.22.7"))
                        .send(tcp("198.18.22.7").build(), XDP_DROP).counts(PACKETS, 1, TCP, 1, Counter.SYN, 1, DROPPED_BLOCKLIST, 1),
                row("rate limit before the cookie step: the burst is answered, the rest drops")
                        .given(dp -> dp.config().setRateLimit(50, 1)).rateLimited()
                        .answered(tcp("198.18.22.8")).send(tcp("198.18.22.8").build(), XDP_DROP)
                        .counts(PACKETS, 2, TCP, 2, Counter.SYN, 2, COOKIES_SENT, 1, DROPPED_RATELIMIT, 1, RL_ADMITTED, 1, EVENTS, 1));
    }

    static FrameBuilder tcp(String src) {
        return FrameBuilder.tcp(src, src.contains(":") ? DUT6 : DUT4);
    }

    static Consumer<Dataplane> block(String prefix) {
        return dp -> dp.blocklist().put(Prefix.parse(prefix), false, null);
    }

    static Consumer<Dataplane> allow(String prefix) {
        return dp -> dp.allowlist().put(Prefix.parse(prefix), false, null);
    }

    static Row row(String name) {
        return new Row(name);
    }

    record Send(byte[] frame, int verdict) {}

    /** One row: sends with their verdicts, and every counter change. */
    static final class Row extends FrameRow<Row> {
        final List<Send> sends = new ArrayList<>();
        boolean kernel;
        int slot;
        int wscale = WSCALE;
        int mss = MSS;

        Row(String name) {
            super(name);
        }

        Row kernel() {
            kernel = true;
            return given(dp -> dp.config().setCookies(CookieMode.KERNEL, WSCALE, MSS));
        }

        Row slot(int s) {
            slot = s;
            return this;
        }

        Row offers(int ws, int m) {
            wscale = ws;
            mss = m;
            return this;
        }

        /** One SYN answered with a cookie. */
        Row answered(FrameBuilder syn) {
            send(syn.build(), XDP_TX);
            return counts(PACKETS, 1, TCP, 1, Counter.SYN, 1, COOKIES_SENT, 1);
        }

        Row send(byte[] frame, int verdict) {
            sends.add(new Send(frame, verdict));
            return this;
        }

        /** n SYNs passed to the stack. */
        Row passed(long n) {
            return counts(PACKETS, n, TCP, n, Counter.SYN, n, SYN_PASSED, n);
        }

        /** Counts replace what {@link #answered} or {@link #passed} set. */
        @Override
        Row counts(Object... pairs) {
            counts.clear();
            return super.counts(pairs);
        }
    }
}

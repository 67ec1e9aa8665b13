package io.synguard.dataplane;

import io.synguard.bpf.BpfProgram;
import io.synguard.bpf.Cpus;
import io.synguard.bpf.TestRun;
import io.synguard.dataplane.Abi.Counter;
import io.synguard.net.Prefix;
import io.synguard.packet.FrameBuilder;
import io.synguard.testing.BpfTest;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static io.synguard.bpf.BpfProgram.XDP_DROP;
import static io.synguard.bpf.BpfProgram.XDP_PASS;
import static io.synguard.dataplane.Abi.Counter.DROPPED_BLOCKLIST;
import static io.synguard.dataplane.Abi.Counter.DROPPED_RATELIMIT;
import static io.synguard.dataplane.Abi.Counter.DROPPED_UNREADABLE;
import static io.synguard.dataplane.Abi.Counter.EVENTS;
import static io.synguard.dataplane.Abi.Counter.FRAGMENTS;
import static io.synguard.dataplane.Abi.Counter.MALFORMED;
import static io.synguard.dataplane.Abi.Counter.NON_IP;
import static io.synguard.dataplane.Abi.Counter.NON_TCP;
import static io.synguard.dataplane.Abi.Counter.PACKETS;
import static io.synguard.dataplane.Abi.Counter.PASSED_ALLOWLIST;
import static io.synguard.dataplane.Abi.Counter.RL_ADMITTED;
import static io.synguard.dataplane.Abi.Counter.SYN_PASSED;
import static io.synguard.dataplane.Abi.Counter.TCP;
import static io.synguard.dataplane.Abi.Counter.UNREADABLE;
import static io.synguard.packet.FrameBuilder.ACK;
import static io.synguard.packet.FrameBuilder.CWR;
import static io.synguard.packet.FrameBuilder.ECE;
import static io.synguard.packet.FrameBuilder.FIN;
import static io.synguard.packet.FrameBuilder.IPPROTO_AH;
import static io.synguard.packet.FrameBuilder.IPPROTO_DSTOPTS;
import static io.synguard.packet.FrameBuilder.IPPROTO_HOPOPTS;
import static io.synguard.packet.FrameBuilder.IPPROTO_ROUTING;
import static io.synguard.packet.FrameBuilder.PSH;
import static io.synguard.packet.FrameBuilder.RST;
import static io.synguard.packet.FrameBuilder.SYN;
import static io.synguard.packet.FrameBuilder.TPID_8021AD;
import static io.synguard.packet.FrameBuilder.TPID_8021Q;
import static io.synguard.packet.FrameBuilder.URG;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every verdict of the XDP program, row by row, on the running kernel: a frame goes through
 * BPF_PROG_TEST_RUN against the real object with the row's rules, and the row names the verdict of
 * every send and the change of every counter (a counter a row does not name must not move).
 */
@BpfTest
class VerdictTableTest {
    private static final String DUT4 = "198.18.0.1";
    private static final String DUT6 = "2001:2::1";
    private static final byte[] MSS_SACK_TS_WS = {2, 4, 0x05, (byte) 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
    private static final byte[] RECORD_ROUTE = recordRoute();

    private static Dataplane dataplane;

    @BeforeAll
    static void load() {
        Cpus.pinCurrentThread(0); // per-CPU rate state: every run on one CPU
        dataplane = Dataplane.load(Dataplane.Options.defaults().withMaxRules(4096).withRateSets(64));
    }

    @AfterAll
    static void unload() {
        dataplane.close();
    }

    @BeforeEach
    void reset() {
        reset(dataplane);
    }

    /** No rules, enforce mode, no rate limit: where every row starts (the cookie rows too). */
    static void reset(Dataplane dp) {
        for (RuleList list : List.of(dp.blocklist(), dp.allowlist())) {
            list.list().forEach(r -> list.remove(r.prefix()));
        }
        dp.config().setMode(DataplaneConfig.Mode.ENFORCE);
        dp.config().setRateLimit(0, 0);
    }

    /**
     * Each CPU counts hits on its own stripe (no shared line), moving them into the rule 256 at a
     * time; the rule's hits are all of them.
     */
    @Test
    void hitsOnEveryCpuAddUp() {
        assumeTrue(Cpus.possible() >= 2, "one CPU: nothing to add up");
        Prefix blocked = Prefix.parse("198.18.9.0/24");
        dataplane.blocklist().put(blocked, false, null);
        byte[] frame = syn("198.18.9.9");
        try {
            dataplane.program().testRun(TestRun.repeated(frame, 300));
            Cpus.pinCurrentThread(1);
            dataplane.program().testRun(TestRun.repeated(frame, 4));
        } finally {
            Cpus.pinCurrentThread(0);
        }
        assertEquals(304, dataplane.blocklist().get(blocked).orElseThrow().hits());
    }

    @Test
    void tableHasAtLeastFortyRows() {
        assertTrue(cases().count() >= 40, "rows: " + cases().count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verdict(Case row) throws InterruptedException {
        BpfProgram program = dataplane.program();
        row.run(dataplane, () -> {
            List<Integer> verdicts = new ArrayList<>();
            List<Integer> expected = new ArrayList<>();
            for (Step step : row.steps) {
                if (step.pause != null) {
                    Thread.sleep(step.pause);
                    continue;
                }
                verdicts.add(program.testRun(TestRun.once(step.frame)).retval());
                expected.add(step.verdict);
            }
            assertEquals(names(expected), names(verdicts), "verdicts");
        });
        row.check.accept(dataplane);
    }

    static Stream<Case> cases() {
        return Stream.of(
                // ---- what passes untouched ----
                row("legit IPv4 SYN passes").send(syn("198.18.1.1"), XDP_PASS).syns(1, 1),
                row("legit IPv6 SYN passes").send(syn6("2001:2:0:1::1"), XDP_PASS).syns(1, 1),
                row("SYN-ACK passes, not an initial SYN").send(tcp("198.18.1.2").flags(SYN | ACK).build(), XDP_PASS)
                        .counts(PACKETS, 1, TCP, 1),
                row("ACK passes").send(tcp("198.18.1.3").flags(ACK).build(), XDP_PASS).counts(PACKETS, 1, TCP, 1),
                row("RST passes").send(tcp("198.18.1.4").flags(RST).build(), XDP_PASS).counts(PACKETS, 1, TCP, 1),
                row("SYN-ACK from a blocked source passes: established traffic is not cut")
                        .given(block("198.18.1.5")).send(tcp("198.18.1.5").flags(SYN | ACK).build(), XDP_PASS)
                        .counts(PACKETS, 1, TCP, 1),
                row("SYN+FIN is an initial SYN").send(tcp("198.18.1.6").flags(SYN | FIN).build(), XDP_PASS).syns(1, 1),
                row("ECN-setup SYN (SYN+ECE+CWR) is an initial SYN")
                        .send(tcp("198.18.1.7").flags(SYN | ECE | CWR).build(), XDP_PASS).syns(1, 1),
                row("SYN with MSS, SACK, timestamps and window scale")
                        .send(tcp("198.18.1.8").tcpOptions(MSS_SACK_TS_WS).build(), XDP_PASS).syns(1, 1),
                row("SYN carrying data (TCP Fast Open)")
                        .send(tcp("198.18.1.9").payload(new byte[100]).build(), XDP_PASS).syns(1, 1),
                row("802.1Q-tagged SYN").send(tcp("198.18.1.10").vlan(TPID_8021Q, 100).build(), XDP_PASS).syns(1, 1),
                row("QinQ (802.1ad + 802.1Q) SYN")
                        .send(tcp("198.18.1.11").vlan(TPID_8021AD, 10).vlan(TPID_8021Q, 20).build(), XDP_PASS).syns(1, 1),
                row("XXX three VLAN tags hide the frame (counted non-IP, passed)")
                        .given(block("198.18.1.12"))
                        .send(tcp("198.18.1.12").vlan(TPID_8021AD, 1).vlan(TPID_8021Q, 2).vlan(TPID_8021Q, 3).build(), XDP_PASS)
                        .counts(PACKETS, 1, NON_IP, 1),
                row("ARP passes").send(FrameBuilder.ethernet(FrameBuilder.ETH_ARP, new byte[28]), XDP_PASS)
                        .counts(PACKETS, 1, NON_IP, 1),
                row("LLDP, another ethertype, passes").send(FrameBuilder.ethernet(0x88cc, new byte[46]), XDP_PASS)
                        .counts(PACKETS, 1, NON_IP, 1),
                row("UDP passes").send(FrameBuilder.udp("198.18.1.13", DUT4).build(), XDP_PASS).counts(PACKETS, 1, NON_TCP, 1),
                row("ICMP passes").send(FrameBuilder.icmp("198.18.1.14", DUT4).build(), XDP_PASS).counts(PACKETS, 1, NON_TCP, 1),
                row("ICMPv6 passes").send(FrameBuilder.icmp("2001:2:0:1::14", DUT6).build(), XDP_PASS)
                        .counts(PACKETS, 1, NON_TCP, 1),
                row("jumbo frame (9000 bytes) SYN passes").send(tcp("198.18.1.15").padTo(9000).build(), XDP_PASS).syns(1, 1),

                // ---- the blocklist ----
                row("blocked IPv4 host (/32) drops").given(block("198.18.2.1")).send(syn("198.18.2.1"), XDP_DROP).blocked(1)
                        .check(hits("198.18.2.1/32", RuleKind.BLOCK, 1)),
                row("blocked IPv4 /24 drops").given(block("198.18.2.0/24")).send(syn("198.18.2.77"), XDP_DROP).blocked(1),
                row("blocked IPv4 /8 drops").given(block("198.0.0.0/8")).send(syn("198.18.2.2"), XDP_DROP).blocked(1),
                row("blocked IPv4 /12 drops (a length <= 16, through sg_t16)")
                        .given(block("198.16.0.0/12")).send(syn("198.18.2.3"), XDP_DROP).blocked(1),
                row("blocked IPv4 /0 drops everything").given(block("0.0.0.0/0")).send(syn("198.18.2.4"), XDP_DROP).blocked(1),
                row("nested blocks: the longest match counts the hit")
                        .given(block("198.18.0.0/16"), block("198.18.3.0/24")).send(syn("198.18.3.5"), XDP_DROP).blocked(1)
                        .check(hits("198.18.3.0/24", RuleKind.BLOCK, 1).andThen(hits("198.18.0.0/16", RuleKind.BLOCK, 0))),
                row("a neighbour of a blocked /24 passes").given(block("198.18.4.0/24"))
                        .send(syn("198.18.5.1"), XDP_PASS).syns(1, 1),
                row("blocked IPv6 host (/128) drops").given(block("2001:2:0:3::5")).send(syn6("2001:2:0:3::5"), XDP_DROP)
                        .blocked(1),
                row("blocked IPv6 /64 drops").given(block("2001:2:0:4::/64")).send(syn6("2001:2:0:4::99"), XDP_DROP).blocked(1),
                row("blocked IPv6 /48 drops").given(block("2001:2::/48")).send(syn6("2001:2:0:5::1"), XDP_DROP).blocked(1),
                row("IPv6 outside a blocked /64 passes").given(block("2001:2:0:6::/64"))
                        .send(syn6("2001:2:0:7::1"), XDP_PASS).syns(1, 1),
                row("IPv6 nested blocks /48 and /127: the longest match counts")
                        .given(block("2001:2::/48"), block("2001:2:0:8::/127")).send(syn6("2001:2:0:8::1"), XDP_DROP).blocked(1)
                        .check(hits("2001:2:0:8::/127", RuleKind.BLOCK, 1)),

                // ---- the allowlist always wins ----
                row("allowed host inside a blocked /24 passes")
                        .given(block("198.18.6.0/24"), allow("198.18.6.6")).send(syn("198.18.6.6"), XDP_PASS).allowed(1)
                        .check(hits("198.18.6.6/32", RuleKind.ALLOW, 1).andThen(hits("198.18.6.0/24", RuleKind.BLOCK, 0))),
                row("an allowed /16 beats a longer blocked /24 inside it")
                        .given(allow("198.18.0.0/16"), block("198.18.7.0/24")).send(syn("198.18.7.7"), XDP_PASS).allowed(1)
                        .check(hits("198.18.0.0/16", RuleKind.ALLOW, 1)),
                row("an allowed /8 beats a blocked /16 (both short)")
                        .given(allow("198.0.0.0/8"), block("198.18.0.0/16")).send(syn("198.18.8.8"), XDP_PASS).allowed(1),
                row("allow /20 beats block /24 and block /32 inside it")
                        .given(allow("198.18.16.0/20"), block("198.18.17.0/24"), block("198.18.17.5"))
                        .send(syn("198.18.17.5"), XDP_PASS).allowed(1),
                row("allow and block of the same prefix: allow wins")
                        .given(block("198.18.9.0/24"), allow("198.18.9.0/24")).send(syn("198.18.9.9"), XDP_PASS).allowed(1),
                row("allowed IPv6 host inside a blocked /48 passes")
                        .given(block("2001:2::/48"), allow("2001:2:0:9::9")).send(syn6("2001:2:0:9::9"), XDP_PASS).allowed(1),
                row("an allowed IPv6 /32 beats a blocked /64 inside it")
                        .given(allow("2001:2::/32"), block("2001:2:0:a::/64")).send(syn6("2001:2:0:a::1"), XDP_PASS).allowed(1),
                row("removing the allow brings the block back")
                        .given(block("198.18.10.0/24"), allow("198.18.0.0/16"), dp -> dp.allowlist().remove(prefix("198.18.0.0/16")))
                        .send(syn("198.18.10.1"), XDP_DROP).blocked(1),

                // ---- monitor mode ----
                row("monitor mode passes a blocked SYN and counts it")
                        .given(block("198.18.11.1"), dp -> dp.config().setMode(DataplaneConfig.Mode.MONITOR))
                        .send(syn("198.18.11.1"), XDP_PASS).counts(PACKETS, 1, TCP, 1, Counter.SYN, 1, SYN_PASSED, 1, DROPPED_BLOCKLIST, 1),

                // ---- the rate limiter ----
                row("rate limit: burst 4 passes, the 5th SYN drops, and user space hears of it")
                        .given(rate(50, 4)).sendEach(syn("198.18.12.1"), XDP_PASS, XDP_PASS, XDP_PASS, XDP_PASS, XDP_DROP)
                        .counts(PACKETS, 5, TCP, 5, Counter.SYN, 5, SYN_PASSED, 4, DROPPED_RATELIMIT, 1, RL_ADMITTED, 1, EVENTS, 1)
                        .check(VerdictTableTest::reportedOnce),
                row("rate limit: the bucket refills with time")
                        .given(rate(50, 2)).sendEach(syn("198.18.12.2"), XDP_PASS, XDP_PASS, XDP_DROP)
                        .pause(Duration.ofMillis(90)).send(syn("198.18.12.2"), XDP_PASS)
                        .counts(PACKETS, 4, TCP, 4, Counter.SYN, 4, SYN_PASSED, 3, DROPPED_RATELIMIT, 1, RL_ADMITTED, 1, EVENTS, 1),
                row("rate limit: IPv6 source")
                        .given(rate(50, 2)).sendEach(syn6("2001:2:0:b::1"), XDP_PASS, XDP_PASS, XDP_DROP)
                        .counts(PACKETS, 3, TCP, 3, Counter.SYN, 3, SYN_PASSED, 2, DROPPED_RATELIMIT, 1, RL_ADMITTED, 1, EVENTS, 1),
                row("rate limit: sources are limited apart")
                        .given(rate(50, 1)).send(syn("198.18.12.3"), XDP_PASS).send(syn("198.18.12.4"), XDP_PASS)
                        .send(syn("198.18.12.3"), XDP_DROP).send(syn("198.18.12.4"), XDP_DROP)
                        .counts(PACKETS, 4, TCP, 4, Counter.SYN, 4, SYN_PASSED, 2, DROPPED_RATELIMIT, 2, RL_ADMITTED, 2, EVENTS, 2),
                row("rate limit in monitor mode counts and passes")
                        .given(rate(50, 2), dp -> dp.config().setMode(DataplaneConfig.Mode.MONITOR))
                        .sendEach(syn("198.18.12.5"), XDP_PASS, XDP_PASS, XDP_PASS)
                        .counts(PACKETS, 3, TCP, 3, Counter.SYN, 3, SYN_PASSED, 3, DROPPED_RATELIMIT, 1, RL_ADMITTED, 1, EVENTS, 1),
                row("an allowed source is never rate-limited")
                        .given(rate(50, 1), allow("198.18.12.6")).sendEach(syn("198.18.12.6"), XDP_PASS, XDP_PASS, XDP_PASS, XDP_PASS)
                        .counts(PACKETS, 4, TCP, 4, Counter.SYN, 4, SYN_PASSED, 4, PASSED_ALLOWLIST, 4),
                row("non-SYN segments are never rate-limited")
                        .given(rate(50, 1)).sendEach(tcp("198.18.12.7").flags(ACK).build(), XDP_PASS, XDP_PASS, XDP_PASS)
                        .counts(PACKETS, 3, TCP, 3),

                // ---- no dressing gets a blocked SYN through ----
                row("bypass: blocked SYN in an 802.1Q tag drops")
                        .given(block("198.18.13.1")).send(tcp("198.18.13.1").vlan(TPID_8021Q, 7).build(), XDP_DROP).blocked(1),
                row("bypass: blocked SYN in QinQ drops")
                        .given(block("198.18.13.1"))
                        .send(tcp("198.18.13.1").vlan(TPID_8021AD, 7).vlan(TPID_8021Q, 8).build(), XDP_DROP).blocked(1),
                row("bypass: blocked SYN with IPv4 NOP options drops")
                        .given(block("198.18.13.2")).send(tcp("198.18.13.2").ipv4Options(new byte[]{1, 1, 1, 1}).build(), XDP_DROP)
                        .blocked(1),
                row("bypass: blocked SYN with record-route, maximum IHL (15), drops")
                        .given(block("198.18.13.3")).send(tcp("198.18.13.3").ipv4Options(RECORD_ROUTE).build(), XDP_DROP).blocked(1),
                row("bypass: blocked SYN+FIN drops")
                        .given(block("198.18.13.4")).send(tcp("198.18.13.4").flags(SYN | FIN).build(), XDP_DROP).blocked(1),
                row("bypass: blocked SYN+ECE+CWR drops")
                        .given(block("198.18.13.4")).send(tcp("198.18.13.4").flags(SYN | ECE | CWR).build(), XDP_DROP).blocked(1),
                row("bypass: blocked SYN+PSH+URG+RST drops")
                        .given(block("198.18.13.4")).send(tcp("198.18.13.4").flags(SYN | PSH | URG | RST).build(), XDP_DROP)
                        .blocked(1),
                row("bypass: blocked SYN with TCP options drops")
                        .given(block("198.18.13.5")).send(tcp("198.18.13.5").tcpOptions(MSS_SACK_TS_WS).build(), XDP_DROP)
                        .blocked(1),
                row("bypass: blocked IPv6 SYN behind hop-by-hop and destination options drops")
                        .given(block("2001:2:0:c::/64"))
                        .send(tcp("2001:2:0:c::1").ipv6Header(IPPROTO_HOPOPTS, new byte[6])
                                .ipv6Header(IPPROTO_DSTOPTS, new byte[14]).build(), XDP_DROP).blocked(1),
                row("bypass: blocked IPv6 SYN behind HBH, routing, fragment, AH and destination options drops")
                        .given(block("2001:2:0:c::/64"))
                        .send(tcp("2001:2:0:c::2").ipv6Header(IPPROTO_HOPOPTS, new byte[6])
                                .ipv6Header(IPPROTO_ROUTING, new byte[22]).fragment(0, true)
                                .ipv6Header(IPPROTO_AH, new byte[22]).ipv6Header(IPPROTO_DSTOPTS, new byte[6]).build(), XDP_DROP)
                        .blocked(1),
                row("bypass: blocked IPv4 first fragment holding the whole SYN drops")
                        .given(block("198.18.13.6")).send(tcp("198.18.13.6").fragment(0, true).build(), XDP_DROP).blocked(1),
                row("bypass: blocked source's tiny first fragment (RFC 1858) drops")
                        .given(block("198.18.13.7"))
                        .send(tcp("198.18.13.7").fragment(0, true).totalLength(28).truncate(14 + 28).build(), XDP_DROP)
                        .counts(PACKETS, 1, UNREADABLE, 1, DROPPED_UNREADABLE, 1),
                row("bypass: blocked source's IPv6 chain longer than 8 headers drops")
                        .given(block("2001:2:0:d::1")).send(longChain("2001:2:0:d::1"), XDP_DROP)
                        .counts(PACKETS, 1, UNREADABLE, 1, DROPPED_UNREADABLE, 1),

                // ---- fragments and hidden headers ----
                row("tiny first fragment from anyone else passes")
                        .send(tcp("198.18.14.1").fragment(0, true).totalLength(28).truncate(14 + 28).build(), XDP_PASS)
                        .counts(PACKETS, 1, UNREADABLE, 1),
                row("IPv6 tiny first fragment passes")
                        .send(tcp("2001:2:0:e::1").fragment(0, true).totalLength(16).truncate(14 + 40 + 16).build(), XDP_PASS)
                        .counts(PACKETS, 1, UNREADABLE, 1),
                row("IPv6 chain longer than 8 headers passes").send(longChain("2001:2:0:e::2"), XDP_PASS)
                        .counts(PACKETS, 1, UNREADABLE, 1),
                row("IPv4 non-first fragment passes, even from a blocked source")
                        .given(block("198.18.14.2")).send(tcp("198.18.14.2").fragment(185, false).build(), XDP_PASS)
                        .counts(PACKETS, 1, FRAGMENTS, 1),
                row("IPv6 non-first fragment passes")
                        .send(tcp("2001:2:0:e::3").fragment(185, true).build(), XDP_PASS).counts(PACKETS, 1, FRAGMENTS, 1),
                row("IPv6 first fragment holding the whole SYN is a SYN")
                        .send(tcp("2001:2:0:e::4").fragment(0, true).build(), XDP_PASS).syns(1, 1),

                // ---- malformed: counted and passed, the stack drops them ----
                row("Ethernet header and nothing after").send(truncated(syn("198.18.15.1"), 14), XDP_PASS).malformed(),
                row("truncated VLAN tag").send(tcp("198.18.15.2").vlan(TPID_8021Q, 5).truncate(16).build(), XDP_PASS).malformed(),
                row("truncated IPv4 header").send(truncated(syn("198.18.15.3"), 14 + 10), XDP_PASS).malformed(),
                row("truncated IPv4 options")
                        .send(tcp("198.18.15.4").ipv4Options(RECORD_ROUTE).truncate(14 + 30).build(), XDP_PASS).malformed(),
                row("truncated TCP header").send(truncated(syn("198.18.15.5"), 14 + 20 + 12), XDP_PASS).malformed(),
                row("truncated IPv6 header").send(truncated(syn6("2001:2:0:f::1"), 14 + 20), XDP_PASS).malformed(),
                row("truncated IPv6 extension header")
                        .send(tcp("2001:2:0:f::2").ipv6Header(IPPROTO_HOPOPTS, new byte[6]).truncate(14 + 40 + 1).build(), XDP_PASS)
                        .malformed(),
                row("truncated TCP header after IPv6").send(truncated(syn6("2001:2:0:f::3"), 14 + 40 + 10), XDP_PASS).malformed(),
                row("IHL below 5").send(tcp("198.18.15.6").ihl(4).build(), XDP_PASS).malformed(),
                row("IPv4 total length shorter than its header")
                        .send(tcp("198.18.15.7").totalLength(16).build(), XDP_PASS).malformed(),
                row("IPv4 total length ends inside the TCP header")
                        .send(tcp("198.18.15.8").totalLength(30).build(), XDP_PASS).malformed(),
                row("TCP data offset below 5").send(tcp("198.18.15.9").doff(4).build(), XDP_PASS).malformed(),
                row("TCP data offset past the end").send(tcp("198.18.15.10").doff(15).build(), XDP_PASS).malformed(),
                row("IPv6 extension header past the payload length")
                        .send(tcp("2001:2:0:f::4").ipv6Header(IPPROTO_DSTOPTS, new byte[30]).totalLength(16).build(), XDP_PASS)
                        .malformed());
    }

    // ---- the rows' vocabulary -----------------------------------------------------------------

    static Case row(String name) {
        return new Case(name);
    }

    static FrameBuilder tcp(String src) {
        return FrameBuilder.tcp(src, src.contains(":") ? DUT6 : DUT4);
    }

    static byte[] syn(String src) {
        return tcp(src).build();
    }

    static byte[] syn6(String src) {
        return tcp(src).build();
    }

    static byte[] truncated(byte[] frame, int length) {
        return java.util.Arrays.copyOf(frame, length);
    }

    static byte[] longChain(String src) {
        FrameBuilder b = tcp(src);
        for (int i = 0; i < 9; i++) {
            b.ipv6Header(IPPROTO_DSTOPTS, new byte[6]);
        }
        return b.build();
    }

    static Prefix prefix(String text) {
        return Prefix.parse(text);
    }

    static Consumer<Dataplane> block(String prefix) {
        return dp -> dp.blocklist().put(prefix(prefix), false, null);
    }

    static Consumer<Dataplane> allow(String prefix) {
        return dp -> dp.allowlist().put(prefix(prefix), false, null);
    }

    static Consumer<Dataplane> rate(long pps, long burst) {
        return dp -> dp.config().setRateLimit(pps, burst);
    }

    static Consumer<Dataplane> hits(String prefix, RuleKind kind, long expected) {
        return dp -> {
            RuleList list = kind == RuleKind.BLOCK ? dp.blocklist() : dp.allowlist();
            assertEquals(expected, list.get(prefix(prefix)).orElseThrow().hits(), "hits of " + kind + " " + prefix);
        };
    }

    static void reportedOnce(Dataplane dp) {
        List<RateLimitEvents.Event> events = new ArrayList<>();
        try (RateLimitEvents ring = dp.openEvents()) {
            ring.poll(100, events::add);
        }
        InetAddress source = InetAddress.ofLiteral("198.18.12.1");
        assertEquals(1, events.stream().filter(e -> e.source().equals(source)).count(), "events: " + events);
        RateTable.Source tracked = dp.rateTable().read().sources().stream().filter(s -> s.address().equals(source))
                .findFirst().orElseThrow();
        assertEquals(1, tracked.drops(), "rate table: " + tracked);
    }

    /** Waits out the rest of a rate-limit window if it ends soon: a row must not straddle two. */
    static void awaitFreshWindow() throws InterruptedException {
        long window = 1L << Abi.WINDOW_SHIFT;
        long left = window - (System.nanoTime() & (window - 1));
        if (left < 200_000_000L) {
            // 50 ms past the boundary: the data plane reads the coarse clock, a tick or more behind
            // (4 ms at HZ 250, more while the VM is not scheduled); 5 ms once proved too little in a full run
            Thread.sleep(Duration.ofNanos(left + 50_000_000L));
        }
    }

    static String names(List<Integer> verdicts) {
        return verdicts.stream().map(v -> switch (v) {
            case XDP_DROP -> "DROP";
            case XDP_PASS -> "PASS";
            default -> "action " + v;
        }).toList().toString();
    }

    static byte[] recordRoute() {
        byte[] rr = new byte[40];
        rr[0] = 7; // record route
        rr[1] = 39;
        rr[2] = 4;
        return rr;
    }

    record Step(byte[] frame, int verdict, Duration pause) {}

    /** One row of the table. */
    static final class Case extends FrameRow<Case> {
        final List<Step> steps = new ArrayList<>();
        Consumer<Dataplane> check = dp -> {};

        Case(String name) {
            super(name);
        }

        Case send(byte[] frame, int verdict) {
            steps.add(new Step(frame, verdict, null));
            return this;
        }

        Case sendEach(byte[] frame, int... verdicts) {
            rateLimited = true;
            for (int v : verdicts) {
                send(frame, v);
            }
            return this;
        }

        Case pause(Duration d) {
            steps.add(new Step(null, 0, d));
            return this;
        }

        /** n initial SYNs, passed of them passed. */
        Case syns(long n, long passed) {
            return counts(PACKETS, n, TCP, n, Counter.SYN, n, SYN_PASSED, passed);
        }

        Case blocked(long n) {
            return counts(PACKETS, n, TCP, n, Counter.SYN, n, DROPPED_BLOCKLIST, n);
        }

        Case allowed(long n) {
            return counts(PACKETS, n, TCP, n, Counter.SYN, n, SYN_PASSED, n, PASSED_ALLOWLIST, n);
        }

        Case malformed() {
            return counts(PACKETS, 1, MALFORMED, 1);
        }

        Case check(Consumer<Dataplane> c) {
            check = c;
            return this;
        }
    }
}

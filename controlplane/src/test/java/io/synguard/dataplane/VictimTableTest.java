package io.synguard.dataplane;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.Cpus;
import io.synguard.bpf.TestRun;
import io.synguard.net.Prefix;
import io.synguard.packet.FrameBuilder;
import io.synguard.testing.BpfTest;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.synguard.bpf.BpfProgram.XDP_DROP;
import static io.synguard.bpf.BpfProgram.XDP_PASS;
import static io.synguard.packet.FrameBuilder.ACK;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The victim table on the running kernel: initial SYNs run through BPF_PROG_TEST_RUN count against
 * their destination (local address and port), on CPU 0, and a slot two destinations share goes to
 * the one with the majority of its SYNs, the other's SYNs counted apart, never to the wrong one.
 */
@BpfTest
class VictimTableTest {
    private static final String CLIENT = "198.18.1.1";
    private static final String DUT4 = "198.18.0.1";
    private static final String DUT6 = "2001:2::1";

    private static Dataplane dataplane;

    @BeforeAll
    static void load() {
        Cpus.pinCurrentThread(0);
        dataplane = Dataplane.load(Dataplane.Options.defaults().withMaxRules(64).withRateSets(64));
    }

    @AfterAll
    static void unload() {
        dataplane.close();
    }

    @BeforeEach
    void clear() {
        VerdictTableTest.reset(dataplane);
        BpfMap map = dataplane.map(Dataplane.VICTIMS);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment keys = arena.allocate(4L * Abi.VICTIM_SLOTS, 8);
            for (int i = 0; i < Abi.VICTIM_SLOTS; i++) {
                keys.set(JAVA_INT, 4L * i, i);
            }
            map.updateBatch(keys, arena.allocate(map.valueBufferSize() * Abi.VICTIM_SLOTS, 8), Abi.VICTIM_SLOTS,
                    BpfMap.ANY);
        }
    }

    private static byte[] syn(String destination, int port) {
        return FrameBuilder.tcp(destination.contains(":") ? "2001:2:0:1::1" : CLIENT, destination).ports(40000, port)
                .build();
    }

    private static void send(byte[] frame, int times, int verdict) {
        for (int i = 0; i < times; i++) {
            assertEquals(verdict, dataplane.program().testRun(TestRun.once(frame)).retval());
        }
    }

    private static Map<String, VictimTable.Slot> holders() {
        return dataplane.victimTable().read().stream().collect(Collectors.toMap(
                s -> Prefix.host(s.address()).addressText() + " " + s.port(), s -> s));
    }

    private static long attributed() {
        return dataplane.victimTable().read().stream().mapToLong(s -> s.syns() + s.others()).sum();
    }

    @Test
    void initialSynsCountAgainstTheirDestinationAndNothingElseDoes() {
        long synsBefore = dataplane.counters().read().get(Abi.Counter.SYN);
        send(syn(DUT4, 80), 3, XDP_PASS);
        send(syn(DUT6, 443), 2, XDP_PASS);
        send(FrameBuilder.tcp(CLIENT, DUT4).ports(40000, 22).flags(ACK).build(), 4, XDP_PASS);
        Map<String, VictimTable.Slot> held = holders();
        assertEquals(Map.of("198.18.0.1 80", 3L, "2001:2::1 443", 2L),
                held.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().syns())));
        held.values().forEach(s -> assertEquals(0, s.cpu()));
        assertEquals(dataplane.counters().read().get(Abi.Counter.SYN) - synsBefore, attributed(),
                "every SYN counts once");
    }

    @Test
    void aBlockedSynStillNamesItsVictim() {
        dataplane.blocklist().put(Prefix.parse(CLIENT), false, null);
        send(syn(DUT4, 80), 2, XDP_DROP);
        assertEquals(2, holders().get("198.18.0.1 80").syns());
    }

    @Test
    void theMajorityHoldsASharedSlotAndTheOtherTakesItOnceItsVotesRunOut() {
        int other = collidingPort(80);
        send(syn(DUT4, 80), 5, XDP_PASS);
        send(syn(DUT4, other), 3, XDP_PASS);
        VictimTable.Slot web = holders().get("198.18.0.1 80");
        assertEquals(List.of(5L, 3L, 1), List.of(web.syns(), web.others(), web.takes()), web.toString());

        send(syn(DUT4, other), 3, XDP_PASS); // two more votes away, then it takes the slot
        Map<String, VictimTable.Slot> held = holders();
        VictimTable.Slot taken = held.get("198.18.0.1 " + other);
        assertEquals(List.of(1L, 5L, 2), List.of(taken.syns(), taken.others(), taken.takes()), taken.toString());
        assertTrue(!held.containsKey("198.18.0.1 80"), held.toString());
    }

    @Test
    void votesAreCappedSoYesterdaysBusiestYieldsToTodaysFlood() {
        int flooded = collidingPort(443);
        send(syn(DUT4, 443), Abi.VICTIM_VOTES_MAX + 100, XDP_PASS);
        send(syn(DUT4, flooded), Abi.VICTIM_VOTES_MAX, XDP_PASS);
        assertTrue(holders().containsKey("198.18.0.1 443"), "still held with its last vote gone");
        send(syn(DUT4, flooded), 1, XDP_PASS);
        assertEquals(1, holders().get("198.18.0.1 " + flooded).syns());
    }

    /** A port whose SYNs to DUT4 land in the same slot as port's: one whose first SYN takes no slot. */
    private int collidingPort(int port) {
        for (int candidate = 1024; candidate < 65536; candidate++) {
            clear();
            send(syn(DUT4, port), 1, XDP_PASS);
            send(syn(DUT4, candidate), 1, XDP_PASS);
            if (!holders().containsKey("198.18.0.1 " + candidate)) {
                clear();
                return candidate;
            }
        }
        throw new AssertionError("no port shares a slot with " + port + " among 64512: the slots' hash is broken");
    }

    @Test
    void theHolderIsReadAsTheAddressAndPortTheSynWentTo() {
        send(syn(DUT6, 8443), 1, XDP_PASS);
        VictimTable.Slot s = holders().get("2001:2::1 8443");
        assertEquals(InetAddress.ofLiteral(DUT6), s.address());
        assertEquals(8443, s.port());
    }
}

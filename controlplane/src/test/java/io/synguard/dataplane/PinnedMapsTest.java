package io.synguard.dataplane;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.Cpus;
import io.synguard.bpf.MappedRegion;
import io.synguard.bpf.TestRun;
import io.synguard.net.Prefix;
import io.synguard.packet.FrameBuilder;
import io.synguard.testing.BpfTest;
import io.synguard.testing.TempBpffs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.synguard.bpf.BpfProgram.XDP_DROP;
import static io.synguard.bpf.BpfProgram.XDP_PASS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a restart finds: maps pinned by one load are re-used by the next, or refused with a reason. */
@BpfTest
class PinnedMapsTest {
    private static final byte[] BLOCKED_SYN = FrameBuilder.tcp("198.18.3.3", "198.18.0.1").build();
    private static final byte[] ALLOWED_SYN = FrameBuilder.tcp("198.18.4.4", "198.18.0.1").build();

    private TempBpffs bpffs;
    private Path dir;

    @BeforeEach
    void mount() {
        Cpus.pinCurrentThread(0);
        bpffs = new TempBpffs();
        dir = bpffs.root().resolve("synguard").resolve("eth-test");
    }

    @AfterEach
    void unmount() {
        bpffs.close();
    }

    private Dataplane load(int maxRules) {
        return Dataplane.load(Dataplane.Options.defaults().withMaxRules(maxRules).withRateSets(16).withPinDirectory(dir));
    }

    @Test
    void theCookieSecretIsNeverPinned() {
        try (Dataplane _ = load(16)) {
            assertTrue(Files.exists(dir.resolve(Dataplane.CONFIG)), "the maps are pinned");
            assertTrue(!Files.exists(dir.resolve(Dataplane.COOKIE_KEYS)), "the secret is not");
        }
    }

    @Test
    void aReloadKeepsRulesHitsCountersAndConfig() {
        try (Dataplane first = load(256)) {
            first.blocklist().put(Prefix.parse("198.18.3.0/24"), true, null);
            first.allowlist().put(Prefix.parse("198.18.4.4"), false, null);
            first.config().setRateLimit(100, 20);
            assertEquals(XDP_DROP, first.program().testRun(TestRun.once(BLOCKED_SYN)).retval());
        }
        try (Dataplane second = load(256)) {
            Rule block = second.blocklist().get(Prefix.parse("198.18.3.0/24")).orElseThrow();
            assertTrue(block.auto());
            assertEquals(1, block.hits());
            assertEquals(1, second.allowlist().list().size());
            assertEquals(new DataplaneConfig.RateLimit(100, 20), second.config().rateLimit());
            assertEquals(1, second.counters().read().get(Abi.Counter.DROPPED_BLOCKLIST));
            assertEquals(XDP_DROP, second.program().testRun(TestRun.once(BLOCKED_SYN)).retval());
            assertEquals(XDP_PASS, second.program().testRun(TestRun.once(ALLOWED_SYN)).retval());
            assertEquals(2, second.blocklist().get(Prefix.parse("198.18.3.0/24")).orElseThrow().hits());
        }
    }

    @Test
    void thePinnedSizesWinOverTheAskedOnes() {
        try (Dataplane first = load(64)) {
            assertEquals(64, first.ruleCapacity());
        }
        try (Dataplane second = load(4096)) {
            assertEquals(64, second.ruleCapacity());
        }
    }

    /** Maps of another ABI, and maps nobody initialized (version 0), are refused with the way out. */
    @ParameterizedTest(name = "ABI version {0}")
    @CsvSource({"99, ABI version 99", "0, never initialized"})
    void pinnedMapsOfAnotherOrNoAbiAreRefusedWithTheWayOut(int version, String reason) {
        try (Dataplane first = load(64)) {
            first.blocklist().put(Prefix.parse("198.18.3.0/24"), false, null);
        }
        setAbiVersion(version);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> load(64));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().contains("synguard detach"), e.getMessage());
    }

    @Test
    void mapsAnOlderAbiShapedOtherwiseAreRefusedInOneSentenceWithTheWayOutNotByLibbpf() throws Exception {
        try (Dataplane first = load(64)) {
            first.blocklist().put(Prefix.parse("198.18.3.0/24"), false, null);
        }
        // ABI v1 had fewer counters: a pinned sg_counters of another value size, as libbpf would refuse
        setAbiVersion(1);
        Files.delete(dir.resolve(Dataplane.COUNTERS));
        try (BpfMap other = BpfMap.openPinned(dir.resolve(Dataplane.RATE))) {
            other.pin(dir.resolve(Dataplane.COUNTERS));
        }

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> load(64));

        assertTrue(e.getMessage().startsWith("the maps pinned under " + dir + " were written by ABI version 1, this build"
                + " speaks ABI version " + Abi.ABI_VERSION), e.getMessage());
        assertTrue(e.getMessage().contains("run 'synguard detach --iface IF --pin-dir " + dir + "'"), e.getMessage());
        assertTrue(e.getCause() == null, "not a libbpf failure");
    }

    @Test
    void aReloadRepairsAnIndexLeftBehindItsTries() {
        try (Dataplane first = load(64)) {
            first.blocklist().put(Prefix.parse("198.18.3.0/24"), false, null);
            first.blocklist().put(Prefix.parse("198.18.5.0/24"), false, null);
        }
        // a run died between the two halves of a change: one entry left the trie but not the index,
        // another entered the trie but not the index
        try (Arena arena = Arena.ofConfined(); BpfMap trie = BpfMap.openPinned(dir.resolve("sg_block_v4"))) {
            trie.delete(v4Key(arena, "198.18.3.0", 24));
            MemorySegment meta = arena.allocate(Abi.RULE_META);
            Abi.field(Abi.RULE_META, "serial").set(meta, 0L, 1000);
            trie.update(v4Key(arena, "198.18.6.0", 24), meta, BpfMap.ANY);
        }
        try (Dataplane second = load(64)) {
            assertEquals(XDP_PASS, second.program().testRun(TestRun.once(BLOCKED_SYN)).retval(), "stale entry gone");
            assertEquals(XDP_DROP, second.program().testRun(
                    TestRun.once(FrameBuilder.tcp("198.18.6.6", "198.18.0.1").build())).retval(), "missing entry indexed");
            assertEquals(XDP_DROP, second.program().testRun(
                    TestRun.once(FrameBuilder.tcp("198.18.5.5", "198.18.0.1").build())).retval(), "sound entry kept");
        }
    }

    private void setAbiVersion(int version) {
        try (BpfMap config = BpfMap.openPinned(dir.resolve("sg_config")); MappedRegion region = config.mmap()) {
            region.segment().set(JAVA_INT, Abi.offset(Abi.CONFIG, "abi_version"), version);
        }
    }

    private static MemorySegment v4Key(Arena arena, String address, int length) {
        MemorySegment key = arena.allocate(Abi.LPM_V4_KEY);
        key.set(JAVA_INT, 0, length);
        MemorySegment.copy(MemorySegment.ofArray(Prefix.parse(address).address()), 0, key, 4, 4);
        return key;
    }
}

package io.synguard.bpf;

import io.synguard.testing.BpfTest;
import io.synguard.testing.TempBpffs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The FFM map layer against real kernel maps (those of synguard's object). */
@BpfTest
class BpfMapTest {
    @RegisterExtension
    static final SmallDataplane dataplane = new SmallDataplane();

    /** Keys and values of one test. */
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void freeKeysAndValues() {
        arena.close();
    }

    @Test
    void errorsNameTheCallAndCarryErrno() {
        BpfException e = assertThrows(BpfException.class, () -> BpfMap.openPinned(Path.of("/sys/fs/bpf/no-such-synguard-pin")));
        assertEquals(Errno.ENOENT.number(), e.errno());
        assertTrue(e.getMessage().startsWith("bpf_obj_get(/sys/fs/bpf/no-such-synguard-pin) failed: ENOENT ("),
                e.getMessage());
        assertEquals("bpf_obj_get(/sys/fs/bpf/no-such-synguard-pin)", e.call());
    }

    @Test
    void updateWithNoexistOnAnArrayFailsWithEexist() {
        BpfMap config = dataplane.map("sg_config");
        MemorySegment key = arena.allocateFrom(JAVA_INT, 0);
        MemorySegment value = config.allocateValue(arena);
        assertTrue(config.lookup(key, value));
        BpfException e = assertThrows(BpfException.class, () -> config.update(key, value, BpfMap.NOEXIST));
        assertEquals(Errno.EEXIST.number(), e.errno());
        assertTrue(e.getMessage().contains("bpf_map_update_elem(sg_config)"), e.getMessage());
    }

    @Test
    void lookupOfAMissingKeyIsFalseNotAnError() {
        BpfMap trie = dataplane.map("sg_block_v4");
        MemorySegment key = trie.allocateKey(arena);
        key.set(JAVA_INT, 0, 32);
        assertFalse(trie.lookup(key, trie.allocateValue(arena)));
        assertFalse(trie.delete(key));
    }

    @Test
    void perCpuValuesHoldAnEightByteAlignedSlotPerPossibleCpu() {
        BpfMap counters = dataplane.map("sg_counters");
        assertTrue(counters.info().perCpu());
        assertEquals((counters.info().valueSize() + 7) / 8 * 8, counters.valueSlot());
        assertEquals(counters.valueSlot() * Cpus.possible(), counters.valueBufferSize());
        MemorySegment key = arena.allocateFrom(JAVA_INT, 0);
        MemorySegment tooSmall = arena.allocate(counters.info().valueSize());
        if (Cpus.possible() > 1) {
            assertThrows(IllegalArgumentException.class, () -> counters.lookup(key, tooSmall));
        }
    }

    @Test
    void perCpuValuesAreWrittenAndReadPerCpu() {
        BpfMap cpu = dataplane.map("sg_cpu");
        MemorySegment key = arena.allocateFrom(JAVA_INT, 0);
        MemorySegment values = cpu.allocateValue(arena);
        for (int c = 0; c < Cpus.possible(); c++) {
            values.set(JAVA_LONG, c * cpu.valueSlot(), 1000L + c);
        }
        cpu.update(key, values, BpfMap.ANY);
        MemorySegment back = cpu.allocateValue(arena);
        assertTrue(cpu.lookup(key, back));
        for (int c = 0; c < Cpus.possible(); c++) {
            assertEquals(1000L + c, back.get(JAVA_LONG, c * cpu.valueSlot()), "cpu " + c);
        }
    }

    @Test
    void batchUpdateThenBatchReadOfAnArray() {
        BpfMap t16 = dataplane.map("sg_t16");
        int n = 3000;
        MemorySegment keys = arena.allocate(JAVA_INT, n);
        MemorySegment values = arena.allocate(JAVA_LONG, n);
        for (int i = 0; i < n; i++) {
            keys.setAtIndex(JAVA_INT, i, 60000 + i % 5000);
            values.setAtIndex(JAVA_LONG, i, 0);
        }
        t16.updateBatch(keys, values, n, BpfMap.ANY);
        MemorySegment outKeys = arena.allocate(JAVA_INT, 512);
        MemorySegment outValues = arena.allocate(JAVA_LONG, 512);
        List<Integer> counts = new ArrayList<>();
        t16.lookupAll(outKeys, outValues, 512, counts::add);
        assertEquals(65536, counts.stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void batchErrorsSayHowFarTheyGot() {
        BpfMap t16 = dataplane.map("sg_t16");
        MemorySegment keys = arena.allocate(JAVA_INT, 2);
        keys.setAtIndex(JAVA_INT, 0, 1);
        keys.setAtIndex(JAVA_INT, 1, 1 << 20); // past the array's end
        MemorySegment values = arena.allocate(JAVA_LONG, 2);
        BpfException e = assertThrows(BpfException.class, () -> t16.updateBatch(keys, values, 2, BpfMap.ANY));
        assertEquals(Errno.E2BIG.number(), e.errno());
        assertTrue(e.getMessage().contains("1 of 2 updated"), e.getMessage());
    }

    @Test
    void batchReadAndBatchDeleteOfATrie() {
        BpfMap trie = dataplane.map("sg_allow_v4");
        int n = 5;
        MemorySegment keys = arena.allocate(trie.info().keySize() * (long) n, 4);
        MemorySegment value = trie.allocateValue(arena);
        for (int i = 0; i < n; i++) {
            MemorySegment key = keys.asSlice((long) i * trie.info().keySize(), trie.info().keySize());
            key.set(JAVA_INT, 0, 32);
            key.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 4, (byte) 198);
            key.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 7, (byte) i);
            trie.update(key, value, BpfMap.ANY);
        }
        assertEquals(n, readAll(trie), "read two at a time");
        assertEquals(n, trie.deleteBatch(keys, n));
        assertEquals(0, readAll(trie), "empty after the batch delete");
        assertEquals(0, trie.deleteBatch(keys, n), "deleting what is gone removes nothing");
    }

    /** Entries of a trie, read by batch lookup two at a time. */
    private int readAll(BpfMap trie) {
        MemorySegment keys = arena.allocate(trie.info().keySize() * 2L, 4);
        MemorySegment values = arena.allocate(trie.valueBufferSize() * 2, 8);
        int[] seen = {0};
        trie.lookupAll(keys, values, 2, count -> seen[0] += count);
        return seen[0];
    }

    @Test
    void mmapSharesMemoryWithTheKernel() {
        BpfMap t16 = dataplane.map("sg_t16");
        try (MappedRegion region = t16.mmap()) {
            assertEquals(8L * 65536, region.segment().byteSize());
            MemorySegment key = arena.allocateFrom(JAVA_INT, 4242);
            MemorySegment value = t16.allocateValue(arena);
            value.set(JAVA_LONG, 0, 0x1234L);
            t16.update(key, value, BpfMap.ANY);
            assertEquals(0x1234L, region.segment().get(JAVA_LONG, 8L * 4242), "the kernel's write shows in the mapping");
            region.segment().set(JAVA_LONG, 8L * 4243, 0x5678L);
            key.set(JAVA_INT, 0, 4243);
            assertTrue(t16.lookup(key, value));
            assertEquals(0x5678L, value.get(JAVA_LONG, 0), "the mapping's write shows to the kernel");
            region.segment().set(JAVA_LONG, 8L * 4242, 0);
            region.segment().set(JAVA_LONG, 8L * 4243, 0);
        }
    }

    @Test
    void mmapOfAMapThatIsNotMmapableIsRefused() {
        assertThrows(IllegalStateException.class, () -> dataplane.map("sg_counters").mmap());
    }

    @Test
    void aPinnedMapReopensWithTheSameContents() {
        try (TempBpffs fs = new TempBpffs()) {
            BpfMap cpu = dataplane.map("sg_cpu");
            Path pin = fs.root().resolve("sg_cpu");
            cpu.pin(pin);
            MemorySegment key = arena.allocateFrom(JAVA_INT, 0);
            MemorySegment values = cpu.allocateValue(arena);
            values.set(JAVA_LONG, 0, 77L);
            cpu.update(key, values, BpfMap.ANY);
            try (BpfMap reopened = BpfMap.openPinned(pin)) {
                assertEquals(cpu.info().id(), reopened.info().id());
                assertEquals("sg_cpu", reopened.name());
                MemorySegment back = reopened.allocateValue(arena);
                assertTrue(reopened.lookup(key, back));
                assertEquals(77L, back.get(JAVA_LONG, 0));
            }
            try (BpfMap byId = BpfMap.openById(cpu.info().id())) {
                assertEquals("sg_cpu", byId.name());
            }
        }
    }

    @Test
    void pinningTwiceAtOnePathFailsWithEexist() {
        try (TempBpffs fs = new TempBpffs()) {
            Path pin = fs.root().resolve("twice");
            dataplane.map("sg_cpu").pin(pin);
            BpfException e = assertThrows(BpfException.class, () -> dataplane.map("sg_cpu").pin(pin));
            assertEquals(Errno.EEXIST.number(), e.errno());
        }
    }
}

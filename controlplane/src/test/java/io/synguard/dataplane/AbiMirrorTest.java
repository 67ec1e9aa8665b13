package io.synguard.dataplane;

import io.synguard.bpf.BpfObject;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java mirror against the compiled object's BTF: sizes, offsets, every constant and every map.
 * Opening an object needs no privileges; nothing here reaches the kernel.
 */
class AbiMirrorTest {
    private static BpfObject object;

    @BeforeAll
    static void open() {
        object = BpfObject.open("synguard", BpfObject.elf(Dataplane.class, Dataplane.OBJECT_RESOURCE));
    }

    @AfterAll
    static void close() {
        object.close();
    }

    @Test
    void mirrorAgreesWithTheObject() {
        assertEquals(java.util.List.of(), AbiCheck.mismatches(object));
    }

    @Test
    void everyStructMatchesItsBtf() {
        for (var layout : Abi.STRUCTS) {
            var btf = object.btf().struct(layout.name().orElseThrow()).orElseThrow();
            assertEquals(layout.byteSize(), btf.size(), btf.name());
        }
    }

    @Test
    void everyCounterIdIsMirrored() {
        Map<String, Long> counters = object.btf().enumeration("sg_counter").orElseThrow();
        for (Abi.Counter c : Abi.Counter.values()) {
            assertEquals(c.id(), counters.get("SG_CNT_" + c.name()), c.name());
        }
        assertEquals(Abi.Counter.values().length, counters.get("SG_CNT__COUNT"));
    }

    @Test
    void theProgramAndEveryMapAreDeclared() {
        assertTrue(object.mapNames().containsAll(Dataplane.MAPS), object.mapNames().toString());
    }
}

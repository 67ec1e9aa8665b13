package io.synguard.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttackersTest {
    @Test
    void theFloodsGoOutOnTheLastCpuOfTheAllowedList() {
        assertEquals(1, Attackers.lastCpu("0-1"));
        assertEquals(11, Attackers.lastCpu("0-3,8,10-11\n"));
        assertEquals(2, Attackers.lastCpu(" 2"));
        assertEquals(-1, Attackers.lastCpu(""));
        assertTrue(Attackers.lastAllowedCpu() >= 0, "this process may run somewhere");
    }
}

package io.synguard.dataplane;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DataplaneConfigTest {
    private Arena arena;
    private MemorySegment memory;
    private DataplaneConfig config;

    @BeforeEach
    void create() {
        arena = Arena.ofConfined();
        memory = arena.allocate(Abi.CONFIG);
        config = new DataplaneConfig(memory);
    }

    @AfterEach
    void free() {
        arena.close();
    }

    @Test
    void initializationStampsTheAbiAndTheRateTableGeometry() {
        assertEquals(0, config.abiVersion());
        config.initialize(1024, 99);
        assertEquals(Abi.ABI_VERSION, config.abiVersion());
        assertEquals(1023, memory.get(JAVA_INT, Abi.offset(Abi.CONFIG, "rl_sets_mask")));
        assertEquals(99, memory.get(JAVA_INT, Abi.offset(Abi.CONFIG, "rl_seed")));
        assertEquals(1024, memory.get(JAVA_INT, Abi.offset(Abi.CONFIG, "rl_admit_budget")));
        assertEquals(DataplaneConfig.DEFAULT_EVENT_BUDGET, memory.get(JAVA_INT, Abi.offset(Abi.CONFIG, "event_budget")));
    }

    @Test
    void modeIsOneWord() {
        assertEquals(DataplaneConfig.Mode.ENFORCE, config.mode());
        config.setMode(DataplaneConfig.Mode.MONITOR);
        assertEquals(Abi.MODE_MONITOR, memory.get(JAVA_INT, Abi.offset(Abi.CONFIG, "mode")));
        assertEquals(DataplaneConfig.Mode.MONITOR, config.mode());
    }

    @Test
    void cookiesAreAModeAWindowScaleAndAnMss() {
        assertEquals(DataplaneConfig.CookieMode.OFF, config.cookieMode());
        config.setCookies(DataplaneConfig.CookieMode.KERNEL, 10, 8960);
        assertEquals(Abi.COOKIES_KERNEL, memory.get(JAVA_BYTE, Abi.offset(Abi.CONFIG, "cookie_mode")));
        assertEquals(10, memory.get(JAVA_BYTE, Abi.offset(Abi.CONFIG, "cookie_wscale")));
        assertEquals((short) 8960, memory.get(JAVA_SHORT, Abi.offset(Abi.CONFIG, "cookie_mss")));
        assertEquals(DataplaneConfig.CookieMode.KERNEL, config.cookieMode());
        assertThrows(IllegalArgumentException.class, () -> config.setCookies(DataplaneConfig.CookieMode.OWN, 15, 1460));
        assertThrows(IllegalArgumentException.class, () -> config.setCookies(DataplaneConfig.CookieMode.OWN, 7, 1000));
    }

    @Test
    void rateLimitBecomesAGcraIntervalAndTolerance() {
        config.setRateLimit(100, 200);
        assertEquals(10_000_000L, memory.get(JAVA_LONG, Abi.offset(Abi.CONFIG, "rl_interval_ns")));
        assertEquals(199 * 10_000_000L, memory.get(JAVA_LONG, Abi.offset(Abi.CONFIG, "rl_tolerance_ns")));
        assertEquals(64, memory.get(JAVA_INT, Abi.offset(Abi.CONFIG, "rl_admit")));
        assertEquals(new DataplaneConfig.RateLimit(100, 200), config.rateLimit());
    }

    @Test
    void admissionNeedsAtLeastTwoSynsAndAtMostSixtyFour() {
        config.setRateLimit(50, 1);
        assertEquals(2, memory.get(JAVA_INT, Abi.offset(Abi.CONFIG, "rl_admit")));
        config.setRateLimit(50, 10);
        assertEquals(5, memory.get(JAVA_INT, Abi.offset(Abi.CONFIG, "rl_admit")));
    }

    @Test
    void awkwardRatesRoundTrip() {
        config.setRateLimit(3, 7);
        assertEquals(new DataplaneConfig.RateLimit(3, 7), config.rateLimit());
        config.setRateLimit(30_011, 1);
        assertEquals(new DataplaneConfig.RateLimit(30_011, 1), config.rateLimit());
        config.setRateLimit(DataplaneConfig.MAX_PPS, 5);
        assertEquals(new DataplaneConfig.RateLimit(DataplaneConfig.MAX_PPS, 5), config.rateLimit());
    }

    @Test
    void zeroTurnsTheLimiterOff() {
        config.setRateLimit(100, 10);
        config.setRateLimit(0, 0);
        assertEquals(0, memory.get(JAVA_LONG, Abi.offset(Abi.CONFIG, "rl_interval_ns")));
        assertEquals(new DataplaneConfig.RateLimit(0, 0), config.rateLimit());
    }

    @Test
    void badValuesAreRefusedAndChangeNothing() {
        config.setRateLimit(100, 10);
        assertThrows(IllegalArgumentException.class, () -> config.setRateLimit(-1, 10));
        assertThrows(IllegalArgumentException.class, () -> config.setRateLimit(100, 0));
        assertThrows(IllegalArgumentException.class, () -> config.setRateLimit(DataplaneConfig.MAX_PPS + 1, 10));
        assertThrows(IllegalArgumentException.class, () -> config.setEventBudget(-1));
        assertThrows(IllegalArgumentException.class, () -> config.setAdmitBudget(-1));
        assertEquals(new DataplaneConfig.RateLimit(100, 10), config.rateLimit());
    }
}

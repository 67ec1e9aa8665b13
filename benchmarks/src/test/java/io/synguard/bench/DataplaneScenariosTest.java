package io.synguard.bench;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which scenarios a dataplane run measures: the references always, a diagnostic only when asked for. */
class DataplaneScenariosTest {
    private static final List<Scenario> REFERENCES = List.of(Scenario.XDP_DROP, Scenario.PARSE_DROP,
            Scenario.POOL_DROP, Scenario.ONE_MISS);

    @Test
    void aDefaultRunMeasuresEveryCaseButTheDiagnostic() {
        List<Scenario> all = DataplaneSuite.scenarios(OnlyOption.ALL);
        assertFalse(all.contains(Scenario.ONE_MISS_CHAINED));
        assertEquals(Scenario.values().length - 1, all.size());
    }

    @Test
    void theDiagnosticRunsWhenOnlyNamesIt() {
        assertEquals(List.of(Scenario.XDP_DROP, Scenario.PARSE_DROP, Scenario.POOL_DROP, Scenario.ONE_MISS,
                Scenario.ONE_MISS_CHAINED, Scenario.BLOCK_1M_ROTATE), DataplaneSuite.scenarios("one-miss-chained|block-1m-rotate"));
        assertTrue(DataplaneSuite.scenarios("block-.*").containsAll(REFERENCES));
        assertFalse(DataplaneSuite.scenarios("block-.*").contains(Scenario.ONE_MISS_CHAINED));
    }
}

package io.synguard.api;

import io.synguard.dataplane.RuleKind;
import io.synguard.metrics.Metrics;
import io.synguard.policy.Origin;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MetricsScrapeTest {
    private final AtomicInteger statuses = new AtomicInteger();
    private final Map<RuleKind, AtomicInteger> listings = new EnumMap<>(Map.of(
            RuleKind.BLOCK, new AtomicInteger(), RuleKind.ALLOW, new AtomicInteger()));
    private final Metrics metrics = new Metrics(() -> {
        statuses.incrementAndGet();
        return FakeService.STATUS;
    }, kind -> {
        listings.get(kind).incrementAndGet();
        return Map.of(Origin.OPERATOR, 2L);
    });

    @Test
    void aScrapeMakesTheStatusAndCountsEachListOnce() {
        metrics.snapshot();
        assertEquals(1, statuses.get(), "the status is made once for some twenty figures");
        assertEquals(1, listings.get(RuleKind.BLOCK).get());
        assertEquals(1, listings.get(RuleKind.ALLOW).get());
    }

    @Test
    void eachScrapeReadsAnew() {
        metrics.snapshot();
        metrics.snapshot();
        assertEquals(2, statuses.get(), "a scrape never shows the one before's status");
        assertEquals(2, listings.get(RuleKind.BLOCK).get());
    }
}

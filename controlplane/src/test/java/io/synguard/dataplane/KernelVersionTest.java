package io.synguard.dataplane;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelVersionTest {
    @Test
    void readsUnameReleases() {
        assertEquals(new KernelVersion(6, 18), KernelVersion.parse("6.18.44-fc-v782"));
        assertEquals(new KernelVersion(5, 15), KernelVersion.parse("5.15.0-91-generic"));
        assertEquals(new KernelVersion(6, 1), KernelVersion.parse("6.1"));
        assertEquals(new KernelVersion(0, 0), KernelVersion.parse("weird"));
    }

    @Test
    void comparesMajorThenMinor() {
        assertTrue(new KernelVersion(5, 18).atLeast(5, 18));
        assertTrue(new KernelVersion(6, 0).atLeast(5, 18));
        assertFalse(new KernelVersion(5, 15).atLeast(5, 18));
    }
}

package io.synguard.policy;

import io.synguard.json.Json;
import io.synguard.state.Journal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Policies on journals in a test's directories, as a (re)started daemon makes them, on one fake clock.
 * A restart leaves the journal before it open, as kill -9 does; registered as an extension, it closes
 * them all after each test.
 */
public final class JournaledPolicies implements AfterEachCallback {
    private final FakeTime time;
    private final List<Journal> journals = new ArrayList<>();

    public JournaledPolicies(FakeTime time) {
        this.time = time;
    }

    /** A policy on the journal in dir (made if missing), not yet restored; snapshots are written at once. */
    public Policy open(RuleStore store, Path dir) {
        Journal journal = Journal.open(dir, Json.mapper());
        journals.add(journal);
        return new Policy(store, journal, time, Runnable::run);
    }

    /** The journal opened last. */
    public Journal last() {
        return journals.getLast();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        journals.forEach(Journal::close);
        journals.clear();
    }
}

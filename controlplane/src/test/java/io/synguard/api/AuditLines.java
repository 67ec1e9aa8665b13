package io.synguard.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import org.slf4j.LoggerFactory;

/** The audit logger's lines, kept from the console while a test runs; closing gives the logger back. */
final class AuditLines implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("audit");
    private final Level level;
    private final boolean additive;

    AuditLines() {
        level = logger.getLevel();
        additive = logger.isAdditive();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
    }

    /** The lines so far, as written. */
    List<String> texts() {
        synchronized (appender) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /** The lines so far, read as JSON. */
    List<JsonNode> json() {
        return texts().stream().map(AuditLines::read).toList();
    }

    JsonNode last() {
        List<JsonNode> all = json();
        if (all.isEmpty()) {
            throw new AssertionError("no audit line");
        }
        return all.getLast();
    }

    private static JsonNode read(String line) {
        try {
            return Json.mapper().readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("an audit line that is not JSON: " + line, e);
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(level);
        logger.setAdditive(additive);
    }
}

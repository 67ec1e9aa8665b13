package io.synguard.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.Encoder;

import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's logging: people's lines or JSON ones on standard error, and the audit log, a JSON
 * line per mutating API call, in its own file.
 */
public final class Logging {
    private Logging() {}

    public static void configure(boolean json, Path auditLog) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setTarget("System.err");
        console.setEncoder(json ? jsonEncoder(context) : pattern(context, "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n"));
        console.start();

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
        context.getLogger("io.synguard").setLevel(Level.INFO);

        FileAppender<ILoggingEvent> audit = new FileAppender<>();
        audit.setContext(context);
        audit.setFile(auditLog.toString());
        audit.setAppend(true);
        audit.setImmediateFlush(true);
        audit.setEncoder(pattern(context, "%msg%n"));
        audit.start();
        ch.qos.logback.classic.Logger auditLogger = context.getLogger("audit");
        auditLogger.setLevel(Level.INFO);
        auditLogger.setAdditive(false);
        auditLogger.addAppender(audit);
    }

    private static Encoder<ILoggingEvent> pattern(LoggerContext context, String pattern) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(context);
        e.setPattern(pattern);
        e.start();
        return e;
    }

    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        JsonEncoder e = new JsonEncoder();
        e.setContext(context);
        e.start();
        return e;
    }
}

package io.synguard.cli;

import io.synguard.testing.BpfTest;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@BpfTest
class CheckCommandTest {
    @Test
    void reportsEveryVerdictAndSaysSynguardCanRun() {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        int exit = cli.execute("check");
        assertEquals(0, exit, out.toString());
        assertTrue(out.toString().contains("8/8 verdicts as expected"), out.toString());
        assertTrue(out.toString().contains("synguard can run on this host."), out.toString());
        assertTrue(out.toString().matches("(?s).*legitimate SYN \\d+ ns, blocked SYN \\d+ ns a packet.*"), out.toString());
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("frobnicate"));
        assertTrue(err.toString().contains("Unmatched argument"), err.toString());
    }
}

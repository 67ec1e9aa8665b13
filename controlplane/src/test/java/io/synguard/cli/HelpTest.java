package io.synguard.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelpTest {
    @ParameterizedTest
    @ValueSource(strings = {"run", "status", "top", "block", "unblock", "allow", "disallow", "config", "detach", "check",
            "demo", "fleet"})
    void everyCommandAnswersHelpWithItsUsage(String command) {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));

        assertEquals(0, cli.execute(command, "--help"), out.toString());
        assertTrue(out.toString().startsWith("Usage: synguard " + command), out.toString());
    }
}

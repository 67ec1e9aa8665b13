package io.synguard.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import static io.synguard.cli.Refused.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What run and the clients refuse about the API's transport before they touch anything. */
class ApiOptionsTest {
    @TempDir
    Path dir;

    /** The exit code of a command line, its error output in err. */
    private static int run(StringWriter err, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void runRefusesPlainHttpOffLoopbackBeforeItStartsAnything() {
        StringWriter err = new StringWriter();
        Path state = dir.resolve("state");
        assertEquals(1, run(err, "run", "--iface", "nothing0", "--listen", "198.18.0.1:9780", "--state-dir",
                state.toString()));
        assertTrue(err.toString().contains("synguard: refusing to serve the API in plain HTTP on 198.18.0.1: its token"
                + " would cross the network in the clear. Give --tls-cert and --tls-key, or --insecure-listen"), err.toString());
        assertFalse(Files.exists(state), "nothing was made");
    }

    @Test
    void runTakesTheCertificateAndItsKeyTogether() {
        StringWriter err = new StringWriter();
        assertEquals(1, run(err, "run", "--iface", "nothing0", "--tls-cert", "cert.pem", "--state-dir", dir.toString()));
        assertTrue(err.toString().contains("--tls-cert and --tls-key go together"), err.toString());
    }

    @Test
    void theApiOptionsMakeTheServersConfig() {
        ApiOptions options = new ApiOptions();
        CommandLine parsed = new CommandLine(options);
        parsed.parseArgs("--tls-cert", "c.pem", "--tls-key", "k.pem", "--max-connections", "10", "--metrics-public");
        var config = options.config("198.18.0.1:9780");
        assertEquals("https", config.scheme());
        assertEquals(10, config.maxConnections());
        assertTrue(config.metricsPublic());
        assertRefused("--max-connections must be at least 1", () -> {
            new CommandLine(options).parseArgs("--max-connections", "0");
            options.config("127.0.0.1:9780");
        });
    }

    @Test
    void aCaFileWithoutACertificateIsRefusedWithItsName() throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        StringWriter err = new StringWriter();
        assertEquals(1, run(err, "status", "--cacert", notPem.toString(), "--token-file", notPem.toString()));
        assertTrue(err.toString().contains("--cacert: " + notPem), err.toString());
    }
}

package io.synguard.cli;

import io.synguard.flowspec.Action;
import io.synguard.flowspec.Announcer;
import io.synguard.net.Family;
import io.synguard.net.Prefix;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The --flowspec-* options: off unless --flowspec-gobgp, and each bad value refused with its name. */
class FlowSpecOptionsTest {
    @Test
    void offUnlessASpeakerIsGiven() {
        assertNull(parse().options());
    }

    @Test
    void everyOptionTakesEffect() {
        Announcer.Options o = parse("--flowspec-gobgp", "127.0.0.1:50051", "--flowspec-action", "rate-limit:125000",
                "--flowspec-max", "20", "--flowspec-destination", "198.19.0.0/16,2001:2:ff::/48",
                "--flowspec-community", "65000:7").options();
        assertEquals("127.0.0.1:50051", o.target());
        assertEquals(new Action(125_000), o.action());
        assertEquals(20, o.max());
        assertEquals(Map.of(Family.V4, Prefix.parse("198.19.0.0/16"), Family.V6, Prefix.parse("2001:2:ff::/48")),
                o.destinations());
        assertEquals(65000 << 16 | 7, o.community());
    }

    @Test
    void theDefaultsDiscardAHundredRulesUnderOurCommunity() {
        Announcer.Options o = parse("--flowspec-gobgp", "[::1]:50051").options();
        assertEquals(Action.DISCARD, o.action());
        assertEquals(100, o.max());
        assertEquals(Map.of(), o.destinations());
        assertEquals(64512 << 16 | 5180, o.community());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--flowspec-gobgp=localhost", "--flowspec-gobgp=127.0.0.1:99999", "--flowspec-gobgp=[::1]:0",
            "--flowspec-gobgp=::1:50051",
            "--flowspec-action=drop", "--flowspec-action=rate-limit:0",
            "--flowspec-action=rate-limit:-5", "--flowspec-max=-1", "--flowspec-destination=198.19.0.0/16,198.20.0.0/16",
            "--flowspec-community=70000:1", "--flowspec-community=64512", "--flowspec-destination=300.1.1.1/8"})
    void aBadValueIsRefusedNamingIt(String bad) {
        String name = bad.substring(0, bad.indexOf('='));
        FlowSpecOptions options = name.equals("--flowspec-gobgp") ? parse(bad) : parse("--flowspec-gobgp", "127.0.0.1:1", bad);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, options::options);
        if (!name.equals("--flowspec-destination") || bad.contains(",")) {
            assertEquals(true, e.getMessage().contains(name.equals("--flowspec-max") ? "--flowspec-max" : name),
                    e.getMessage());
        }
    }

    private static FlowSpecOptions parse(String... args) {
        FlowSpecOptions options = new FlowSpecOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }
}

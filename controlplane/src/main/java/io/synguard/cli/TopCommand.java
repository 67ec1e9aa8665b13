package io.synguard.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "top", description = "The sources that sent the most SYNs in the last interval, or the local"
        + " addresses and ports they went to.")
final class TopCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = {"-n", "--limit"}, defaultValue = "10", description = "How many (default: ${DEFAULT-VALUE}).")
    int limit;

    /** What to rank: the sources, or the host's own addresses and ports; the API refuses anything else. */
    @Option(names = "--by", defaultValue = "source",
            description = "source or destination (local address and port) (default: ${DEFAULT-VALUE}).")
    String by;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode top = client.client().get("/v1/top?limit=" + limit + (by.equals("source") ? "" : "&by=" + URLEncoder.encode(by, StandardCharsets.UTF_8)));
        if (client.json) {
            spec.commandLine().getOut().println(top.toPrettyString());
            return 0;
        }
        Table t;
        if (by.equals("source")) {
            t = new Table("ADDRESS", "SYN/S", "DROPPED/S").numeric(1, 2);
            top.forEach(s -> t.row(s.get("address").asText(), s.get("syn_pps").asLong(), s.get("dropped_pps").asLong()));
        } else {
            t = new Table("ADDRESS", "PORT", "SYN/S").numeric(1, 2);
            top.forEach(d -> t.row(d.get("address").asText(), d.get("port").asInt(), d.get("syn_pps").asLong()));
        }
        t.print(spec.commandLine().getOut());
        JsonNode status = client.client().get("/v1/status");
        if (status.get("cookies").get("active").asBoolean()) {
            spec.commandLine().getOut().println("SYN cookies " + StatusCommand.cookies(status));
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}

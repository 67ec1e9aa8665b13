package io.synguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.synguard.json.Json;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "config", description = {"Show the settings, or change some: --set mode=monitor"
        + " --set rate_limit.syn_pps=50 --set detection.auto_block=false --set cookies=always."})
final class ConfigCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--set", paramLabel = "PATH=VALUE", description = "A setting to change; VALUE is JSON"
            + " (a number, true/false, or text).")
    List<String> sets;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode result = sets == null ? client.client().get("/v1/config") : client.client().patch("/v1/config", patch());
        spec.commandLine().getOut().println(result.toPrettyString());
        return 0;
    }

    private ObjectNode patch() {
        ObjectNode patch = Json.mapper().createObjectNode();
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set takes PATH=VALUE, not '" + set + "'");
            }
            String[] path = set.substring(0, eq).split("\\.");
            ObjectNode at = patch;
            for (int i = 0; i < path.length - 1; i++) {
                at = at.has(path[i]) ? (ObjectNode) at.get(path[i]) : at.putObject(path[i]);
            }
            at.set(path[path.length - 1], value(set.substring(eq + 1)));
        }
        return patch;
    }

    private static JsonNode value(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            return Json.mapper().getNodeFactory().textNode(text);
        }
    }
}

package io.synguard.bench;

import io.synguard.json.Json;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a suite writes with {@code --json}: the machine, the command, the time, then the suite's
 * own fields in the order added, under the names docs/benchmarks.md and the results in docs/results
 * use (records' components in snake_case). Written by Jackson, so every string is escaped.
 */
final class Result {
    private final String command;
    private final Map<String, Object> fields = new LinkedHashMap<>();

    Result(String command) {
        this.command = command;
    }

    /** Adds a field; its value is written as Jackson writes it (records as objects, lists as arrays). */
    Result with(String name, Object value) {
        fields.put(name, value);
        return this;
    }

    String json() {
        ObjectMapper mapper = Json.mapper();
        ObjectNode root = mapper.createObjectNode();
        root.set("machine", mapper.valueToTree(Machine.current()));
        root.put("command", command);
        root.put("time", Instant.now().toString());
        fields.forEach((name, value) -> root.set(name, mapper.valueToTree(value)));
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the results: " + e.getMessage(), e);
        }
    }
}

package io.synguard.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A client command that shows what one GET of the API answers: as JSON with --json, else as text for people. */
abstract class ViewCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    private final String path;

    /** @param path the API path shown */
    ViewCommand(String path) {
        this.path = path;
    }

    /** The answer for people. */
    abstract void print(JsonNode view, PrintWriter out);

    @Override
    public final Integer call() {
        JsonNode view = client.client().get(path);
        PrintWriter out = spec.commandLine().getOut();
        if (client.json) {
            out.println(view.toPrettyString());
        } else {
            print(view, out);
        }
        out.flush();
        return 0;
    }
}

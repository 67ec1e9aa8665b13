package io.synguard.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;

import picocli.CommandLine.Command;

@Command(name = "fleet", description = "How this host's fleet stands: etcd connection, members and their last"
        + " heartbeat, revision, changes queued, last full sync.")
final class FleetCommand extends ViewCommand {
    FleetCommand() {
        super("/v1/fleet");
    }

    @Override
    void print(JsonNode f, PrintWriter out) {
        if (f.get("engine").asText().equals("none")) {
            out.println("this host is in no fleet (run with --fleet-etcd to join one)");
            return;
        }
        out.printf("member     %s through %s, %s%n", f.get("host").asText(), f.get("engine").asText(),
                f.get("connected").asBoolean() ? "connected" : "NOT CONNECTED: enforcing what is held, queueing changes");
        out.printf("revision   %d, last full sync %s, %d relists%n", f.get("revision").asLong(),
                f.get("last_sync").asText("never"), f.get("relists").asLong());
        out.printf("changes    %d queued, %d published, %d applied from others%n", f.get("pending").asLong(),
                f.get("published").asLong(), f.get("applied").asLong());
        Table t = new Table("MEMBER", "LAST HEARTBEAT");
        f.get("members").forEach(m -> t.row(m.get("host").asText(), m.get("last_heartbeat").asText()));
        t.print(out);
    }
}

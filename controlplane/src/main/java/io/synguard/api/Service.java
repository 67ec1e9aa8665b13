package io.synguard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.synguard.config.Settings;
import io.synguard.detect.DestinationRates;
import io.synguard.detect.SourceRates;
import io.synguard.detect.Status;
import io.synguard.fleet.FleetStatus;
import io.synguard.flowspec.FlowSpecStatus;

import java.util.List;

/** What the API serves from: the daemon, or a fake in tests. */
public interface Service {
    /** Whether the XDP program is attached and enforcing (or counting). */
    boolean attached();

    Status status();

    /** The top SYN sources of the last interval, most SYNs first. */
    List<SourceRates.SourceRate> top(int limit);

    /** The top destinations (local address and port) of the last interval's SYNs, most SYNs first. */
    List<DestinationRates.DestinationRate> topDestinations(int limit);

    /** The lists, as an operator changes them. */
    OperatorLists lists();

    Settings settings();

    /** Checks patch, applies it to the data plane and the detector, journals it; the new settings. */
    Settings configure(JsonNode patch);

    /** How this host's fleet stands; {@link FleetStatus#NONE} when it is in none. */
    default FleetStatus fleet() {
        return FleetStatus.NONE;
    }

    /** What is announced upstream as FlowSpec; {@link FlowSpecStatus#NONE} when nothing is. */
    default FlowSpecStatus flowspec() {
        return FlowSpecStatus.NONE;
    }
}

package io.synguard.policy;

import com.fasterxml.jackson.annotation.JsonValue;

/** Who placed a rule: this host's operator, its detection, or another member of the fleet. */
public enum Origin {
    OPERATOR, AUTO, FLEET;

    @JsonValue
    public String text() {
        return name().toLowerCase();
    }
}

package io.synguard.policy;

import com.fasterxml.jackson.annotation.JsonValue;

/** Who placed a rule. */
public enum Origin {
    OPERATOR, AUTO;

    @JsonValue
    public String text() {
        return name().toLowerCase();
    }
}

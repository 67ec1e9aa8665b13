package io.synguard.dataplane;

/** The rule index has no room for another rule; nothing was changed. */
public final class RuleTableFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RuleTableFullException(String message) {
        super(message);
    }
}

package io.synguard.flowspec;

import apipb.Gobgp;

import java.util.List;

/** The BGP speaker's table of FlowSpec paths, as far as this host's own go. */
interface Speaker extends AutoCloseable {
    /**
     * The FlowSpec paths this host added (they carry its community), of both families.
     *
     * @throws SpeakerException when the speaker does not answer
     */
    List<Held> ours();

    void add(FlowRule rule);

    void withdraw(Held path);

    @Override
    void close();

    /**
     * One of this host's paths in the speaker's table.
     *
     * @param rule what it says, or null when it is not a rule this host would make (added by hand)
     * @param path the speaker's own form, to withdraw it by
     */
    record Held(FlowRule rule, Gobgp.Path path) {}

    /** The speaker is away or refused a call. */
    final class SpeakerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SpeakerException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

package io.synguard.dataplane;

import io.synguard.bpf.BpfException;
import io.synguard.bpf.Interfaces;
import io.synguard.bpf.TcxLink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TC half of synguard's own cookies ({@link CookieAck}) on an interface's ingress, through a tcx
 * link pinned beside the XDP link, as {@link Attachment} does for XDP: a restart swaps the new
 * program into the pinned link (the new one reads the new run's secret), a SIGKILL leaves it
 * checking ACKs. Closing lets go of the fd only; {@link #detachPinned} removes it.
 */
public final class AckAttachment implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AckAttachment.class);
    static final String LINK = "cookie_ack_link";

    private final TcxLink link;

    private AckAttachment(TcxLink link) {
        this.link = link;
    }

    /** Attaches ack at ifname's ingress, or swaps it into the link a previous run pinned in pinDirectory. */
    public static AckAttachment attach(CookieAck ack, String ifname, Path pinDirectory) {
        Path pin = pinDirectory.resolve(LINK);
        if (Files.exists(pin)) {
            TcxLink pinned = TcxLink.openPinned(pin);
            try {
                pinned.update(ack.program());
                LOG.info("took over the cookie ACK check on {} and swapped in the new program", ifname);
                return new AckAttachment(pinned);
            } catch (BpfException e) {
                LOG.warn("{} holds a link that takes no program now ({}); replacing it", pin, e.getMessage());
                pinned.close();
                delete(pin);
            }
        }
        TcxLink link = TcxLink.attachIngress(ack.program(), Interfaces.index(ifname));
        try {
            link.pin(pin);
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
        LOG.info("attached the cookie ACK check at {}'s TC ingress", ifname);
        return new AckAttachment(link);
    }

    /** Takes the check off the interface and removes its pin. */
    public void detach(Path pinDirectory) {
        link.detach();
        delete(pinDirectory.resolve(LINK));
    }

    @Override
    public void close() {
        link.close();
    }

    /** Detaches the link pinned in pinDirectory, if any, and removes its pin. */
    static void detachPinned(Path pinDirectory) {
        Path pin = pinDirectory.resolve(LINK);
        if (Files.exists(pin)) {
            try (TcxLink link = TcxLink.openPinned(pin)) {
                link.detach();
            }
            delete(pin);
        }
    }

    private static void delete(Path pin) {
        try {
            Files.deleteIfExists(pin);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the pin " + pin, e);
        }
    }
}

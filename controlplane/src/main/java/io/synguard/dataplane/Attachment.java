package io.synguard.dataplane;

import io.synguard.bpf.BpfException;
import io.synguard.bpf.Interfaces;
import io.synguard.bpf.XdpLink;
import io.synguard.bpf.XdpMode;
import io.synguard.bpf.XdpStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * synguard's program on an interface, through a bpf_link pinned beside its maps. A restart finds
 * the pinned link and swaps the new program into it atomically: not a packet goes unchecked, and
 * there is never a second program. Closing lets go of the fd only; the pin keeps the program
 * attached until {@link #detach}.
 */
public final class Attachment implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Attachment.class);
    static final String LINK = "link";

    private final XdpLink link;
    private final Path pin;
    private final int ifindex;
    private final String ifname;

    private Attachment(XdpLink link, Path pin, int ifindex, String ifname) {
        this.link = link;
        this.pin = pin;
        this.ifindex = ifindex;
        this.ifname = ifname;
    }

    /**
     * Attaches dp's program to ifname, or takes over the attachment a previous run pinned in
     * pinDirectory. Refuses when another program holds the interface, or when the pinned attachment
     * is in another mode than the one asked for.
     */
    public static Attachment attach(Dataplane dp, String ifname, XdpMode mode, Path pinDirectory) {
        int ifindex = Interfaces.index(ifname);
        Path pin = pinDirectory.resolve(LINK);
        if (Files.exists(pin)) {
            XdpLink link = XdpLink.openPinned(pin);
            if (link.info().ifindex() == ifindex) {
                XdpStatus.Attached now = XdpStatus.query(ifindex).attached();
                if (mode != XdpMode.AUTO && !now.name().equals(mode.name())) {
                    link.close();
                    throw new IllegalStateException("synguard is attached to " + ifname + " in " + text(now)
                            + " mode; to change to " + mode.name().toLowerCase() + ", run 'synguard detach --iface "
                            + ifname + "' first (that drops blocks held only in the kernel)");
                }
                link.update(dp.program());
                LOG.info("took over the attachment on {} ({} mode) and swapped in the new program", ifname, text(now));
                return new Attachment(link, pin, ifindex, ifname);
            }
            LOG.warn("{} holds a link to an interface that is gone; replacing it", pin);
            link.close();
            unpin(pin);
        }
        XdpStatus present = XdpStatus.query(ifindex);
        if (present.attached() != XdpStatus.Attached.NONE) {
            throw new IllegalStateException("another XDP program (id " + present.programId() + ") is attached to "
                    + ifname + "; remove it first, e.g. 'ip link set dev " + ifname + " xdp off'");
        }
        XdpLink link;
        try {
            link = XdpLink.attach(dp.program(), ifindex, mode);
        } catch (BpfException e) {
            throw new IllegalStateException("cannot attach to " + ifname + " in " + mode.name().toLowerCase()
                    + " mode: " + e.getMessage(), e);
        }
        try {
            link.pin(pin);
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
        Attachment a = new Attachment(link, pin, ifindex, ifname);
        LOG.info("attached to {} in {} mode{}", ifname, a.mode(),
                mode == XdpMode.AUTO && a.mode().equals("generic") ? " (the driver has no native XDP)" : "");
        return a;
    }

    /** native or generic, as the kernel reports it now. */
    public String mode() {
        return text(XdpStatus.query(ifindex).attached());
    }

    public String interfaceName() {
        return ifname;
    }

    /** Takes the program off the interface and removes the link's pin. */
    public void detach() {
        link.detach();
        unpin(pin);
        LOG.info("detached from {}", ifname);
    }

    @Override
    public void close() {
        link.close();
    }

    /**
     * Removes synguard from an interface without a running daemon: detaches the pinned links (XDP and
     * the cookie ACK check at TC) and removes every pin in the directory. Whether there was anything
     * to remove.
     */
    public static boolean detachPinned(Path pinDirectory) {
        if (!Files.isDirectory(pinDirectory)) {
            return false;
        }
        Path pin = pinDirectory.resolve(LINK);
        if (Files.exists(pin)) {
            try (XdpLink link = XdpLink.openPinned(pin)) {
                link.detach();
            }
        }
        AckAttachment.detachPinned(pinDirectory);
        try (var pins = Files.list(pinDirectory)) {
            for (Path p : pins.toList()) {
                Files.delete(p);
            }
            Files.delete(pinDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the pins in " + pinDirectory, e);
        }
        return true;
    }

    private static void unpin(Path pin) {
        try {
            Files.deleteIfExists(pin);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the pin " + pin, e);
        }
    }

    private static String text(XdpStatus.Attached a) {
        return switch (a) {
            case NATIVE -> "native";
            case GENERIC -> "generic";
            case OFFLOAD -> "offload";
            case MULTIPLE -> "multiple";
            case NONE -> "none";
        };
    }
}

package io.synguard.dataplane;

import io.synguard.bpf.BpfException;
import io.synguard.bpf.BpfObject;
import io.synguard.bpf.BpfProgram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TC ingress half of synguard's own SYN cookies ({@code cookie_ack.bpf.c}): it checks the ACK
 * that answers a cookie and hands the listener the connection through the kfunc
 * {@code bpf_sk_assign_tcp_reqsk()} (kernel >= 6.9). Loaded over the maps of a {@link Dataplane},
 * whose config and counters it shares. Attaching is the caller's: see {@link io.synguard.bpf.TcxLink}.
 */
public final class CookieAck implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CookieAck.class);

    public static final String OBJECT_RESOURCE = "/io/synguard/dataplane/cookie_ack.bpf.o";
    public static final String PROGRAM = "synguard_cookie_ack";

    private final BpfObject object;

    private CookieAck(BpfObject object) {
        this.object = object;
    }

    /** Loads the program over dataplane's maps; empty where the kernel refuses it (no kfunc). */
    public static Optional<CookieAck> load(Dataplane dataplane) {
        BpfObject object = BpfObject.open("synguard_cookie_ack", BpfObject.elf(Dataplane.class, OBJECT_RESOURCE));
        try {
            for (String name : Dataplane.MAPS) {
                object.mapSpec(name).reuse(dataplane.map(name));
            }
            object.load();
            return Optional.of(new CookieAck(object));
        } catch (BpfException e) {
            object.close();
            LOG.debug("the cookie ACK check does not load here: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The method where synguard's own cookies are not to be had: the kernel's own cookies
     * (bpf_tcp_gen_syncookie, in every kernel synguard loads on) where the kernel has SYN cookies at
     * all.
     */
    public static CookieMethod kernelMethod() {
        return Files.exists(Path.of("/proc/sys/net/ipv4/tcp_syncookies")) ? CookieMethod.KERNEL : CookieMethod.UNAVAILABLE;
    }

    public BpfProgram program() {
        return object.program(PROGRAM);
    }

    @Override
    public void close() {
        object.close();
    }

    /** How SYN cookies are validated on this kernel. */
    public enum CookieMethod {
        /** synguard's own cookie, checked at TC ingress, handed over with bpf_sk_assign_tcp_reqsk(). */
        KFUNC,
        /** the kernel's own cookie from bpf_tcp_gen_syncookie(), checked by the stack. */
        KERNEL,
        /**
         * neither: the kernel was built without SYN cookies, or the interface cannot send what XDP
         * answers (no XDP_TX); the stack's own cookies answer, where it has them.
         */
        UNAVAILABLE
    }
}

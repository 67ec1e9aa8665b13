package io.synguard.daemon;

import io.synguard.config.Settings;
import io.synguard.dataplane.AckAttachment;
import io.synguard.dataplane.CookieAck;
import io.synguard.dataplane.CookieAck.CookieMethod;
import io.synguard.dataplane.Dataplane;
import io.synguard.dataplane.DataplaneConfig.CookieMode;
import io.synguard.detect.Status;
import io.synguard.metrics.Metrics;

import java.io.UncheckedIOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cookie step's control: the method this kernel offers (probed once), the TC half attached where
 * it is synguard's own, the window scale and MSS the SYN-ACK offers, the sysctls the method needs
 * (set while cookies are on, put back when they go off or the daemon stops), the secret rotated
 * every {@link #ROTATION}, and the step switched on and off as {@link CookieSwitch} says. A clean
 * stop turns the step off: without a daemon nobody rotates the secret or judges attacks.
 */
final class Cookies implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Cookies.class);
    static final Duration ROTATION = Duration.ofSeconds(60);
    /** The MSS the SYN-ACK offers stays inside the stack's tables: 1280 (DataplaneConfig's floor) to v6's 8940 + 20. */
    static final int MSS_MIN = 1280;
    static final int MSS_MAX = 8960;

    private final Dataplane dataplane;
    private final Sysctls sysctls;
    private final Metrics metrics;
    private final InstantSource clock;
    private final Path pinDirectory;
    /** The method this kernel offers; the one in use is it, or UNAVAILABLE while the interface has no XDP_TX. */
    private final CookieMethod probed;
    private volatile CookieMethod method;
    private Supplier<Optional<String>> xdpTx = Optional::empty;
    private final CookieAck ack;
    private final AckAttachment tc;
    private final int wscale;
    private final int mss;
    private final CookieSwitch cookieSwitch = new CookieSwitch();
    private final RandomGenerator random = new SecureRandom();
    private Instant rotated;
    private boolean closed;
    private volatile Status.Cookies status;

    private Cookies(Dataplane dataplane, Sysctls sysctls, Metrics metrics, InstantSource clock, Path pinDirectory,
                    CookieMethod method, CookieAck ack, AckAttachment tc, int wscale, int mss) {
        this.dataplane = dataplane;
        this.sysctls = sysctls;
        this.metrics = metrics;
        this.clock = clock;
        this.pinDirectory = pinDirectory;
        this.probed = method;
        this.method = method;
        this.ack = ack;
        this.tc = tc;
        this.wscale = wscale;
        this.mss = mss;
        this.rotated = clock.instant();
        this.status = new Status.Cookies(Settings.Cookies.AUTO, false, null, text(method));
    }

    /**
     * Probes the method (or takes the one forced), turns the step off, puts back sysctls a killed
     * predecessor left set, and attaches the TC half where the method is synguard's own.
     *
     * @param forced the method asked for; null to probe. KFUNC where the kernel lacks it refuses to start.
     */
    static Cookies start(Dataplane dataplane, String iface, Path pinDirectory, Sysctls sysctls, Metrics metrics,
                         InstantSource clock, CookieMethod forced) {
        dataplane.config().setCookies(CookieMode.OFF, 0, MSS_MIN);
        sysctls.restore();
        int wscale = windowScale(sysctls);
        int mss = mss(iface);
        Optional<CookieAck> ack = forced == CookieMethod.KERNEL ? Optional.empty() : CookieAck.load(dataplane);
        if (ack.isEmpty() && forced == CookieMethod.KFUNC) {
            throw new IllegalStateException("--cookie-method kfunc: synguard's own cookie check does not load on this"
                    + " kernel (it needs the kfunc bpf_sk_assign_tcp_reqsk); use --cookie-method auto");
        }
        CookieMethod method = ack.isPresent() ? CookieMethod.KFUNC : CookieAck.kernelMethod();
        AckAttachment tc = null;
        if (ack.isPresent()) {
            try {
                tc = AckAttachment.attach(ack.get(), iface, pinDirectory);
            } catch (RuntimeException e) {
                ack.get().close();
                ack = Optional.empty();
                method = CookieAck.kernelMethod();
                LOG.warn("cannot attach the cookie ACK check at {}'s TC ingress ({}); using the kernel's own"
                        + " cookies instead", iface, e.getMessage());
            }
        }
        if (method == CookieMethod.UNAVAILABLE) {
            LOG.warn("SYN cookies are unavailable here (method unavailable: this kernel has no SYN cookies):"
                    + " a spoofed flood reaches the stack unanswered by synguard");
        } else {
            LOG.info("SYN cookies: method {}{}, window scale {}, MSS {} (IPv6 {})", text(method),
                    forced == null ? "" : " (as asked)", wscale, mss, mss - 20);
        }
        return new Cookies(dataplane, sysctls, metrics, clock, pinDirectory, method, ack.orElse(null), tc, wscale, mss);
    }

    /**
     * Watches whether the interface, now attached, sends what XDP answers (probe: why not, empty
     * where it does), now and at every step: where it cannot, the step is unavailable and the
     * kernel's own cookies answer in its place; where it can again, the step comes back.
     */
    synchronized void watchXdpTx(Supplier<Optional<String>> probe) {
        xdpTx = probe;
        recheckXdpTx();
        status = new Status.Cookies(status.mode(), cookieSwitch.on() && method != CookieMethod.UNAVAILABLE, status.since(),
                text(method));
    }

    /** Asks the probe again; where the answer changed, says so and, while on, moves the step over. */
    private void recheckXdpTx() {
        if (probed == CookieMethod.UNAVAILABLE) {
            return;
        }
        Optional<String> unavailable;
        try {
            unavailable = xdpTx.get();
        } catch (RuntimeException e) {
            LOG.debug("cannot tell whether the interface has XDP_TX now ({}); as before", e.getMessage());
            return;
        }
        CookieMethod now = unavailable.isPresent() ? CookieMethod.UNAVAILABLE : probed;
        if (now == method) {
            return;
        }
        boolean on = cookieSwitch.on();
        if (on) {
            switchTo(false);
        }
        method = now;
        if (unavailable.isPresent()) {
            LOG.warn("SYN cookies from XDP are unavailable: {}. The kernel's own SYN cookies (net.ipv4.tcp_syncookies)"
                    + " answer in their place when cookies are wanted", unavailable.get());
        } else {
            LOG.warn("SYN cookies from XDP are available again (method {})", text(method));
        }
        if (on) {
            switchTo(true);
        }
    }

    /**
     * One step of the switch: the setting and whether a random-source attack is on. Changes are
     * logged and counted.
     */
    synchronized void update(Settings.Cookies setting, boolean randomAttack) {
        Instant now = clock.instant();
        if (closed) {
            return; // a tick still running as the daemon stops
        }
        recheckXdpTx();
        if (cookieSwitch.step(setting, randomAttack, now)) {
            boolean on = cookieSwitch.on();
            String why = setting == Settings.Cookies.AUTO ? (on ? "a random-source attack" : "the attack has been over for "
                    + CookieSwitch.HOLD.toSeconds() + "s") : "cookies " + setting.text();
            switchTo(on);
            if (method == CookieMethod.UNAVAILABLE) {
                LOG.warn("SYN cookies wanted {} ({}), but unavailable here: the stack's own cookies answer", on ? "on"
                        : "off", why);
            } else {
                LOG.warn("SYN cookies {} ({}, method {})", on ? "ON" : "off", why, text(method));
            }
            metrics.cookiesSwitched();
        }
        status = new Status.Cookies(setting, cookieSwitch.on() && method != CookieMethod.UNAVAILABLE,
                cookieSwitch.since(), text(method));
    }

    /** Rotates the secret when {@link #ROTATION} has passed on the clock. */
    synchronized void rotateIfDue() {
        Instant now = clock.instant();
        if (!now.isBefore(rotated.plus(ROTATION))) {
            dataplane.cookieKeys().rotate(random);
            rotated = now;
            LOG.debug("rotated the cookie secret ({})", dataplane.cookieKeys());
        }
    }

    Status.Cookies status() {
        return status;
    }

    /** Turns the step off and puts the sysctls back; the TC half stays attached unless detach. */
    synchronized void close(boolean detach) {
        closed = true;
        switchTo(false);
        if (tc != null) {
            if (detach) {
                tc.detach(pinDirectory);
            }
            tc.close();
        }
        if (ack != null) {
            ack.close();
        }
    }

    @Override
    public void close() {
        close(false);
    }

    /** On: the step as the method says, or, unavailable, the stack's own cookies in its place. Off: neither. */
    private void switchTo(boolean on) {
        if (on && method != CookieMethod.UNAVAILABLE) {
            sysctls.set(sysctlsNeeded());
            dataplane.config().setCookies(method == CookieMethod.KFUNC ? CookieMode.OWN : CookieMode.KERNEL, wscale, mss);
        } else if (on) {
            dataplane.config().setCookies(CookieMode.OFF, wscale, mss);
            sysctls.set(kernelFallback());
        } else {
            dataplane.config().setCookies(CookieMode.OFF, wscale, mss);
            sysctls.restore();
        }
    }

    /**
     * Own cookies need SYN cookies on at all; the kernel's need them always on (else its helper
     * answers only a full queue) and timestamps without per-connection offsets, if timestamps are on.
     */
    private Map<String, String> sysctlsNeeded() {
        Map<String, String> m = new LinkedHashMap<>();
        if (method == CookieMethod.KERNEL) {
            m.put("net/ipv4/tcp_syncookies", "2");
            if (!sysctls.read("net/ipv4/tcp_timestamps").equals("0")) {
                m.put("net/ipv4/tcp_timestamps", "2");
            }
        } else if (sysctls.read("net/ipv4/tcp_syncookies").equals("0")) {
            m.put("net/ipv4/tcp_syncookies", "1");
        }
        return m;
    }

    /** In the step's place, the stack's own cookies: on, where the kernel has them. */
    private Map<String, String> kernelFallback() {
        Map<String, String> m = new LinkedHashMap<>();
        if (sysctls.has("net/ipv4/tcp_syncookies") && sysctls.read("net/ipv4/tcp_syncookies").equals("0")) {
            m.put("net/ipv4/tcp_syncookies", "1");
        }
        return m;
    }

    /** The window scale the kernel chooses for a listener: log2 of the largest receive buffer, less 15. */
    static int windowScale(Sysctls sysctls) {
        String[] rmem = sysctls.read("net/ipv4/tcp_rmem").split(" ");
        long space = Math.max(Long.parseLong(rmem[2]), Long.parseLong(sysctls.read("net/core/rmem_max")));
        return Math.clamp(63 - Long.numberOfLeadingZeros(space) - 15, 0, 14);
    }

    /** The interface's MTU less the IPv4 and TCP headers, inside the stack's tables. */
    static int mss(String iface) {
        try {
            NetworkInterface ni = NetworkInterface.getByName(iface);
            int mtu = ni == null ? 1500 : ni.getMTU();
            return Math.clamp(mtu - 40, MSS_MIN, MSS_MAX);
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot read the MTU of " + iface, e);
        }
    }

    private static String text(CookieMethod m) {
        return m.name().toLowerCase();
    }
}

package io.synguard.dataplane;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * The data plane's run-time settings ({@code sg_config}), written straight into the memory the XDP
 * program reads: a change takes effect with the next packet.
 */
public final class DataplaneConfig {
    private static final long NS_PER_S = 1_000_000_000L;
    private static final VarHandle ABI_VERSION = Abi.field(Abi.CONFIG, "abi_version");
    private static final VarHandle MODE = Abi.field(Abi.CONFIG, "mode");
    private static final VarHandle RL_INTERVAL = Abi.field(Abi.CONFIG, "rl_interval_ns");
    private static final VarHandle RL_TOLERANCE = Abi.field(Abi.CONFIG, "rl_tolerance_ns");
    private static final VarHandle RL_ADMIT = Abi.field(Abi.CONFIG, "rl_admit");
    private static final VarHandle RL_ADMIT_BUDGET = Abi.field(Abi.CONFIG, "rl_admit_budget");
    private static final VarHandle EVENT_BUDGET = Abi.field(Abi.CONFIG, "event_budget");
    private static final VarHandle RL_SEED = Abi.field(Abi.CONFIG, "rl_seed");
    private static final VarHandle RL_SETS_MASK = Abi.field(Abi.CONFIG, "rl_sets_mask");
    private static final VarHandle COOKIE_MODE = Abi.field(Abi.CONFIG, "cookie_mode");
    private static final VarHandle COOKIE_WSCALE = Abi.field(Abi.CONFIG, "cookie_wscale");
    private static final VarHandle COOKIE_MSS = Abi.field(Abi.CONFIG, "cookie_mss");

    /** The highest per-source rate: beyond it no source is worth a bucket. */
    public static final long MAX_PPS = 1_000_000;

    /** Rate-limit events each CPU may send user space per window, unless set otherwise. */
    public static final int DEFAULT_EVENT_BUDGET = 256;

    private final MemorySegment config;

    DataplaneConfig(MemorySegment config) {
        this.config = config;
    }

    /** Stamps fresh maps with this build's ABI and the rate limiter's geometry and seed. */
    void initialize(int rateSets, int rlSeed) {
        RL_SEED.setRelease(config, 0L, rlSeed);
        RL_SETS_MASK.setRelease(config, 0L, rateSets - 1);
        // a quarter of a CPU's table per window: a botnet of that size is tracked within one
        // window, and a random flood that slips past the sketch cannot churn the table faster
        RL_ADMIT_BUDGET.setRelease(config, 0L, Math.max(1, rateSets * Abi.RATE_WAYS / 4));
        EVENT_BUDGET.setRelease(config, 0L, DEFAULT_EVENT_BUDGET);
        ABI_VERSION.setRelease(config, 0L, Abi.ABI_VERSION);
    }

    /** The ABI version of whoever created the maps; 0 for maps nobody initialized. */
    public int abiVersion() {
        return (int) ABI_VERSION.getAcquire(config, 0L);
    }

    public Mode mode() {
        return (int) MODE.getAcquire(config, 0L) == Abi.MODE_MONITOR ? Mode.MONITOR : Mode.ENFORCE;
    }

    public void setMode(Mode mode) {
        MODE.setRelease(config, 0L, mode == Mode.MONITOR ? Abi.MODE_MONITOR : Abi.MODE_ENFORCE);
    }

    /**
     * Limits each source to pps SYNs a second with bursts of burst, per CPU; pps 0 turns the limiter
     * off. The kernel keeps the interval in whole nanoseconds, so a rate is exact to 0.01% up to
     * 100,000 SYN/s and to 0.1% up to the maximum, 1,000,000.
     */
    public void setRateLimit(long pps, long burst) {
        if (pps < 0 || pps > MAX_PPS) {
            throw new IllegalArgumentException("rate must be 0.." + MAX_PPS + " SYN/s per source, was " + pps);
        }
        if (pps > 0 && (burst < 1 || burst > 1_000_000)) {
            throw new IllegalArgumentException("burst must be 1..1000000, was " + burst);
        }
        long interval = pps == 0 ? 0 : NS_PER_S / pps;
        RL_INTERVAL.setRelease(config, 0L, 0L); // off while the pair changes
        RL_TOLERANCE.setRelease(config, 0L, (burst - 1) * interval);
        RL_ADMIT.setRelease(config, 0L, Math.clamp(burst / 2, 2, 64));
        RL_INTERVAL.setRelease(config, 0L, interval);
    }

    /** The rate limit in force; pps 0 when off. */
    public RateLimit rateLimit() {
        long interval = (long) RL_INTERVAL.getAcquire(config, 0L);
        if (interval == 0) {
            return new RateLimit(0, 0);
        }
        long tolerance = (long) RL_TOLERANCE.getAcquire(config, 0L);
        return new RateLimit(Math.round((double) NS_PER_S / interval), tolerance / interval + 1);
    }

    /** Caps the rate-limit events each CPU sends user space per window. */
    public void setEventBudget(int events) {
        if (events < 0) {
            throw new IllegalArgumentException("event budget must be >= 0, was " + events);
        }
        EVENT_BUDGET.setRelease(config, 0L, events);
    }

    /** Caps the sources each CPU admits to its rate table per window. */
    public void setAdmitBudget(int sources) {
        if (sources < 0) {
            throw new IllegalArgumentException("admission budget must be >= 0, was " + sources);
        }
        RL_ADMIT_BUDGET.setRelease(config, 0L, sources);
    }

    /**
     * Whether and how SYNs that pass the ladder are answered with SYN cookies from XDP; wscale is the
     * window scale the SYN-ACK offers (what the kernel would choose for the listener) and mss the MSS
     * it offers over IPv4 (IPv6: 20 less), the interface's MTU - 40. Mode last: the fields it reads
     * are in place first.
     */
    public void setCookies(CookieMode mode, int wscale, int mss) {
        if (wscale < 0 || wscale > 14) {
            throw new IllegalArgumentException("window scale must be 0..14, was " + wscale);
        }
        if (mss < 1280 || mss > 65535) {
            throw new IllegalArgumentException("MSS must be 1280..65535, was " + mss);
        }
        COOKIE_WSCALE.setRelease(config, 0L, (byte) wscale);
        COOKIE_MSS.setRelease(config, 0L, (short) mss);
        COOKIE_MODE.setRelease(config, 0L, (byte) mode.abi);
    }

    public CookieMode cookieMode() {
        int abi = (byte) COOKIE_MODE.getAcquire(config, 0L);
        for (CookieMode m : CookieMode.values()) {
            if (m.abi == abi) {
                return m;
            }
        }
        throw new IllegalStateException("unknown cookie mode " + abi + " in sg_config");
    }

    /** Enforce drops; monitor only counts what it would drop. */
    public enum Mode { ENFORCE, MONITOR }

    /** enum sg_cookie_mode: off, synguard's own cookie, or the kernel's. */
    public enum CookieMode {
        OFF(Abi.COOKIES_OFF), OWN(Abi.COOKIES_OWN), KERNEL(Abi.COOKIES_KERNEL);

        final int abi;

        CookieMode(int abi) {
            this.abi = abi;
        }
    }

    /**
     * @param pps   SYNs a second a source may send (0: no limit)
     * @param burst SYNs it may send at once
     */
    public record RateLimit(long pps, long burst) {}
}

package io.synguard.dataplane;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * The data plane's run-time settings ({@code sg_config}), written straight into the memory the XDP
 * program reads: a change takes effect with the next packet.
 */
public final class DataplaneConfig {
    private static final long NS_PER_S = 1_000_000_000L;

    /** The members of sg_config this sets: their C names, upper-cased. */
    private enum Field {
        ABI_VERSION, MODE, RL_INTERVAL_NS, RL_TOLERANCE_NS, RL_ADMIT, RL_ADMIT_BUDGET, EVENT_BUDGET, RL_SEED, RL_SETS_MASK,
        COOKIE_MODE, COOKIE_WSCALE, COOKIE_MSS;

        private final VarHandle handle = Abi.field(Abi.CONFIG, name().toLowerCase(Locale.ROOT));
    }

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
        set(Field.RL_SEED, rlSeed);
        set(Field.RL_SETS_MASK, rateSets - 1);
        // a quarter of a CPU's table per window: a botnet of that size is tracked within one
        // window, and a random flood that slips past the sketch cannot churn the table faster
        set(Field.RL_ADMIT_BUDGET, Math.max(1, rateSets * Abi.RATE_WAYS / 4));
        set(Field.EVENT_BUDGET, DEFAULT_EVENT_BUDGET);
        set(Field.ABI_VERSION, Abi.ABI_VERSION);
    }

    /** The ABI version of whoever created the maps; 0 for maps nobody initialized. */
    public int abiVersion() {
        return (int) get(Field.ABI_VERSION);
    }

    public Mode mode() {
        return (int) get(Field.MODE) == Abi.MODE_MONITOR ? Mode.MONITOR : Mode.ENFORCE;
    }

    public void setMode(Mode mode) {
        set(Field.MODE, mode == Mode.MONITOR ? Abi.MODE_MONITOR : Abi.MODE_ENFORCE);
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
        set(Field.RL_INTERVAL_NS, 0L); // off while the pair changes
        set(Field.RL_TOLERANCE_NS, (burst - 1) * interval);
        set(Field.RL_ADMIT, Math.clamp(burst / 2, 2, 64));
        set(Field.RL_INTERVAL_NS, interval);
    }

    /** The rate limit in force; pps 0 when off. */
    public RateLimit rateLimit() {
        long interval = (long) get(Field.RL_INTERVAL_NS);
        if (interval == 0) {
            return new RateLimit(0, 0);
        }
        long tolerance = (long) get(Field.RL_TOLERANCE_NS);
        return new RateLimit(Math.round((double) NS_PER_S / interval), tolerance / interval + 1);
    }

    /** Caps the rate-limit events each CPU sends user space per window. */
    public void setEventBudget(int events) {
        if (events < 0) {
            throw new IllegalArgumentException("event budget must be >= 0, was " + events);
        }
        set(Field.EVENT_BUDGET, events);
    }

    /** Caps the sources each CPU admits to its rate table per window. */
    public void setAdmitBudget(int sources) {
        if (sources < 0) {
            throw new IllegalArgumentException("admission budget must be >= 0, was " + sources);
        }
        set(Field.RL_ADMIT_BUDGET, sources);
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
        Field.COOKIE_WSCALE.handle.setRelease(config, 0L, (byte) wscale);
        Field.COOKIE_MSS.handle.setRelease(config, 0L, (short) mss);
        Field.COOKIE_MODE.handle.setRelease(config, 0L, (byte) mode.abi);
    }

    public CookieMode cookieMode() {
        int abi = (byte) get(Field.COOKIE_MODE);
        for (CookieMode m : CookieMode.values()) {
            if (m.abi == abi) {
                return m;
            }
        }
        throw new IllegalStateException("unknown cookie mode " + abi + " in sg_config");
    }

    /** Writes an int member with release semantics (a long member takes a long). */
    private void set(Field field, int value) {
        field.handle.setRelease(config, 0L, value);
    }

    private void set(Field field, long value) {
        field.handle.setRelease(config, 0L, value);
    }

    /** Reads a member with acquire semantics, boxed. */
    private Object get(Field field) {
        return field.handle.getAcquire(config, 0L);
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

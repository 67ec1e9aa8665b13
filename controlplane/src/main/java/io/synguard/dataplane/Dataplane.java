package io.synguard.dataplane;

import io.synguard.bpf.BpfMap;
import io.synguard.bpf.BpfObject;
import io.synguard.bpf.BpfProgram;
import io.synguard.bpf.Cpus;
import io.synguard.bpf.MapInfo;
import io.synguard.bpf.MappedRegion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * synguard's XDP program loaded with its maps, and typed views of them: the blocklist, the
 * allowlist, counters, config, the rate table and its events, the victim table. With a pin directory every map lives
 * on under {@code /sys/fs/bpf/...} and a later load re-uses them, so blocks and counters survive a
 * restart; without one, everything dies with this object (tests, benchmarks). Attaching is
 * someone else's business: see {@link io.synguard.bpf.XdpLink}.
 */
public final class Dataplane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dataplane.class);

    /** The production object and its entry point. */
    public static final String OBJECT_RESOURCE = "/io/synguard/dataplane/synguard.bpf.o";
    public static final String PROGRAM = "synguard_xdp";

    static final String CONFIG = "sg_config";
    static final String COUNTERS = "sg_counters";
    static final String RULES = "sg_rules";
    static final String T16 = "sg_t16";
    static final String RULE_HITS = "sg_rule_hits";
    static final String BLOCK_V4 = "sg_block_v4";
    static final String BLOCK_V6 = "sg_block_v6";
    static final String ALLOW_V4 = "sg_allow_v4";
    static final String ALLOW_V6 = "sg_allow_v6";
    static final String RATE = "sg_rate";
    static final String RATE_SHARED = "sg_rate_shared";
    static final String SKETCH = "sg_sketch";
    static final String CPU = "sg_cpu";
    static final String EVENTS = "sg_events";
    static final String COOKIE_KEYS = "sg_cookie_keys";
    static final String COOKIE_ACKS = "sg_cookie_acks";
    static final String VICTIMS = "sg_victims";
    /** Every map, each pinned under its name but the cookie secret. */
    static final List<String> MAPS = List.of(CONFIG, COUNTERS, RULES, RULE_HITS, T16, BLOCK_V4, BLOCK_V6, ALLOW_V4,
            ALLOW_V6, RATE, RATE_SHARED, SKETCH, CPU, EVENTS, COOKIE_KEYS, COOKIE_ACKS, VICTIMS);

    private final BpfObject object;
    private final MappedRegion configRegion;
    private final MappedRegion rulesRegion;
    private final MappedRegion hitsRegion;
    private final MappedRegion t16Region;
    private final DataplaneConfig config;
    private final RuleList blocklist;
    private final RuleList allowlist;
    private final Counters counters;
    private final RateTable rateTable;
    private final VictimTable victimTable;
    private final CookieKeys cookieKeys;
    private final int ruleCapacity;

    private Dataplane(BpfObject object, MappedRegion configRegion, MappedRegion rulesRegion, MappedRegion hitsRegion,
                      MappedRegion t16Region, boolean fresh, int rateSets) {
        this.object = object;
        this.configRegion = configRegion;
        this.rulesRegion = rulesRegion;
        this.hitsRegion = hitsRegion;
        this.t16Region = t16Region;
        this.config = new DataplaneConfig(configRegion.segment());
        SecureRandom random = new SecureRandom();
        RuleIndex index;
        if (fresh) {
            index = RuleIndex.create(rulesRegion.segment(), hitsRegion.segment(), t16Region.segment(),
                    configRegion.segment(), random.nextInt());
            config.initialize(rateSets, random.nextInt());
        } else {
            index = RuleIndex.open(rulesRegion.segment(), hitsRegion.segment(), t16Region.segment(), configRegion.segment());
        }
        long[] highest = {0};
        index.forEach((p, kind, serial) -> highest[0] = Math.max(highest[0], Integer.toUnsignedLong(serial)));
        Serials serials = new Serials(highest[0]);
        this.blocklist = new RuleList(RuleKind.BLOCK, object.map(BLOCK_V4), object.map(BLOCK_V6), index, serials);
        this.allowlist = new RuleList(RuleKind.ALLOW, object.map(ALLOW_V4), object.map(ALLOW_V6), index, serials);
        this.counters = new Counters(object.map(COUNTERS));
        this.rateTable = new RateTable(object.map(RATE));
        this.victimTable = new VictimTable(object.map(VICTIMS));
        this.cookieKeys = new CookieKeys(object.map(COOKIE_KEYS));
        cookieKeys.reset(random); // a secret is never taken over from an earlier run: not even this one knows it
        this.ruleCapacity = index.capacity();
        if (!fresh) {
            int repaired = blocklist.reconcile() + allowlist.reconcile();
            if (repaired > 0) {
                LOG.warn("repaired {} rule index entries left inconsistent by an earlier run", repaired);
            }
        }
    }

    /** Loads the production object. */
    public static Dataplane load(Options options) {
        return load(BpfObject.elf(Dataplane.class, OBJECT_RESOURCE), PROGRAM, options);
    }

    /**
     * Loads an object that declares synguard's maps (the production one, or a benchmark's that wraps
     * its program); program is the XDP entry point whose frags flag options govern.
     */
    public static Dataplane load(byte[] elf, String program, Options options) {
        BpfObject object = BpfObject.open("synguard", elf);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            List<String> mismatches = AbiCheck.mismatches(object);
            if (!mismatches.isEmpty()) {
                throw new IllegalStateException("the BPF object does not match this build's ABI mirror: " + mismatches);
            }
            boolean reused = configure(object, options, opened);
            if (!options.fragsAware()) {
                object.setProgramFlags(program, 0, BpfObject.PROG_F_XDP_HAS_FRAGS);
            }
            object.load();
            MappedRegion configRegion = object.map(CONFIG).mmap();
            opened.add(configRegion);
            MappedRegion rules = object.map(RULES).mmap();
            opened.add(rules);
            MappedRegion hits = object.map(RULE_HITS).mmap();
            opened.add(hits);
            MappedRegion t16 = object.map(T16).mmap();
            opened.add(t16);
            DataplaneConfig config = new DataplaneConfig(configRegion.segment());
            boolean fresh = config.abiVersion() == 0;
            if (fresh && reused) {
                throw new IllegalStateException("pinned maps under " + options.pinDirectory()
                        + " were never initialized: remove them ('synguard detach') and start again");
            }
            if (!fresh && config.abiVersion() != Abi.ABI_VERSION) {
                throw new IllegalStateException("the maps pinned under " + options.pinDirectory()
                        + " were written by ABI version " + config.abiVersion() + ", this build speaks "
                        + Abi.ABI_VERSION + "; 'synguard detach' removes them, blocks included");
            }
            return new Dataplane(object, configRegion, rules, hits, t16, fresh, object.map(RATE).info().maxEntries());
        } catch (RuntimeException e) {
            for (AutoCloseable c : opened.reversed()) {
                closeQuietly(c, e);
            }
            object.close();
            throw e;
        }
    }

    /** Sizes the maps, or takes the sizes of the pinned ones it will re-use; whether any was pinned. */
    private static boolean configure(BpfObject object, Options options, List<AutoCloseable> opened) {
        int slots = Integer.highestOneBit(Math.max(2, options.maxRules()) * 2 - 1) * 2;
        object.mapSpec(RULES).setMaxEntries(slots);
        object.mapSpec(RULE_HITS).setMaxEntries(RuleHits.lines(slots) * Cpus.possible());
        for (String trie : List.of(BLOCK_V4, BLOCK_V6, ALLOW_V4, ALLOW_V6)) {
            object.mapSpec(trie).setMaxEntries(slots / 2);
        }
        object.mapSpec(RATE).setMaxEntries(options.rateSets());
        object.mapSpec(RATE_SHARED).setMaxEntries(options.rateSets());
        Path dir = options.pinDirectory();
        if (dir == null) {
            return false;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the pin directory " + dir, e);
        }
        boolean reused = false;
        for (String name : MAPS) {
            if (name.equals(COOKIE_KEYS)) {
                continue; // the secret is made afresh at every load: no pin to find it by
            }
            Path pin = dir.resolve(name);
            BpfObject.MapSpec spec = object.mapSpec(name);
            if (Files.exists(pin)) {
                try (BpfMap pinned = BpfMap.openPinned(pin)) {
                    if (pinned.info().keySize() != spec.keySize() || pinned.info().valueSize() != spec.valueSize()) {
                        throw new IllegalStateException(anotherAbi(dir, name, pinned.info(), spec));
                    }
                    if (pinned.info().maxEntries() != spec.maxEntries()) {
                        LOG.info("{}: keeping the pinned map's {} entries (asked for {})", name,
                                pinned.info().maxEntries(), spec.maxEntries());
                        spec.setMaxEntries(pinned.info().maxEntries());
                    }
                }
                reused = true;
            }
            spec.setPinPath(pin);
        }
        return reused;
    }

    /**
     * What to tell the operator when a pinned map has another shape than this build's: maps of
     * another ABI version (an older synguard's), which libbpf would refuse to re-use, and how to
     * clear them.
     */
    private static String anotherAbi(Path dir, String name, MapInfo pinned, BpfObject.MapSpec spec) {
        int version = pinnedAbiVersion(dir);
        return "the maps pinned under " + dir + " were written by " + (version > 0 ? "ABI version " + version
                : "another synguard") + ", this build speaks ABI version " + Abi.ABI_VERSION + " (" + name + " holds "
                + pinned.keySize() + "/" + pinned.valueSize() + "-byte keys/values there, " + spec.keySize() + "/"
                + spec.valueSize() + " here). Stop the old daemon and run 'synguard detach --iface IF"
                + " --pin-dir " + dir + "' to remove them (blocks held only in the kernel go with them; the journal"
                + " restores the rest), then start again";
    }

    /** The ABI version the pinned config says wrote the maps under dir; 0 where it cannot say. */
    private static int pinnedAbiVersion(Path dir) {
        Path config = dir.resolve(CONFIG);
        if (!Files.exists(config)) {
            return 0;
        }
        try (BpfMap map = BpfMap.openPinned(config); Arena arena = Arena.ofConfined()) {
            long offset = Abi.offset(Abi.CONFIG, "abi_version");
            if (map.info().keySize() != 4 || map.info().valueSize() < offset + 4) {
                return 0;
            }
            MemorySegment value = arena.allocate(map.info().valueSize());
            return map.lookup(arena.allocateFrom(JAVA_INT, 0), value) ? value.get(JAVA_INT, offset) : 0;
        }
    }

    public BpfProgram program() {
        return object.program(PROGRAM);
    }

    /** Another program of the object (a benchmark object has several). */
    public BpfProgram program(String name) {
        return object.program(name);
    }

    public RuleList blocklist() {
        return blocklist;
    }

    public RuleList allowlist() {
        return allowlist;
    }

    public Counters counters() {
        return counters;
    }

    public DataplaneConfig config() {
        return config;
    }

    public RateTable rateTable() {
        return rateTable;
    }

    /** SYNs by destination: which of the host's addresses and ports they go to. */
    public VictimTable victimTable() {
        return victimTable;
    }

    /** The SYN cookie secret. */
    public CookieKeys cookieKeys() {
        return cookieKeys;
    }

    /** Rules (allow and block together) the index takes at most. */
    public int ruleCapacity() {
        return ruleCapacity;
    }

    /** A consumer of rate-limit events; the caller closes it. */
    public RateLimitEvents openEvents() {
        return RateLimitEvents.open(object.map(EVENTS));
    }

    /** A map by name, for what the views do not cover (benchmarks fill a rotation pool). */
    public BpfMap map(String name) {
        return object.map(name);
    }

    /** Closes every fd and mapping; pinned maps and attachments stay. */
    @Override
    public void close() {
        t16Region.close();
        hitsRegion.close();
        rulesRegion.close();
        configRegion.close();
        object.close();
    }

    private static void closeQuietly(AutoCloseable c, RuntimeException primary) {
        try {
            c.close();
        } catch (Exception e) {
            primary.addSuppressed(e);
        }
    }

    /**
     * How to load.
     *
     * @param maxRules     allow and block rules together the index takes at least: its table has
     *                     twice that, rounded up to a power of two, slots of 32 bytes, and a
     *                     byte of hit counter per slot per possible CPU
     * @param rateSets     rate table sets per CPU (a power of two), 4 sources each
     * @param pinDirectory where to pin the maps and find earlier pins; null for no pinning
     * @param fragsAware   whether the program declares it copes with multi-buffer frames
     */
    public record Options(int maxRules, int rateSets, Path pinDirectory, boolean fragsAware) {
        public static final int DEFAULT_MAX_RULES = 1 << 20;
        public static final int DEFAULT_RATE_SETS = 1 << 14;

        public Options {
            if (maxRules < 1 || maxRules > 1 << 28) {
                throw new IllegalArgumentException("max rules must be 1..2^28, was " + maxRules);
            }
            if (rateSets < 1 || Integer.bitCount(rateSets) != 1) {
                throw new IllegalArgumentException("rate sets must be a power of two, was " + rateSets);
            }
        }

        /** Frags-aware where the kernel knows the flag (5.18 and later). */
        public static Options defaults() {
            return new Options(DEFAULT_MAX_RULES, DEFAULT_RATE_SETS, null, KernelVersion.running().atLeast(5, 18));
        }

        public Options withMaxRules(int n) {
            return new Options(n, rateSets, pinDirectory, fragsAware);
        }

        public Options withRateSets(int n) {
            return new Options(maxRules, n, pinDirectory, fragsAware);
        }

        public Options withPinDirectory(Path dir) {
            return new Options(maxRules, rateSets, dir, fragsAware);
        }

        public Options withFragsAware(boolean aware) {
            return new Options(maxRules, rateSets, pinDirectory, aware);
        }
    }

    /** The conventional pin directory of an interface. */
    public static Path pinDirectory(String ifname) {
        return Path.of("/sys/fs/bpf/synguard", ifname);
    }
}

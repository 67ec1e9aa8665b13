package io.synguard.bpf;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The libbpf this process uses: {@code libbpf.so.1}, or the file the system property
 * {@value #PATH_PROPERTY} names. It is opened on the first call into it, and refused, in one sentence
 * that says what to install, when it is missing or older than 1.1.
 */
@SuppressWarnings("restricted") // FFM lives in this package only
public final class Libbpf {
    /** The system property that names another libbpf file (hosts that keep it elsewhere, tests). */
    public static final String PATH_PROPERTY = "synguard.libbpf";

    private static final String DEFAULT = "libbpf.so.1";
    private static final int MIN_MAJOR = 1;
    private static final int MIN_MINOR = 1;
    private static final String INSTALL = "install libbpf " + MIN_MAJOR + "." + MIN_MINOR
            + " or newer ('apt-get install libbpf1', or './synguard setup')";

    private static SymbolLookup library;
    private static String version;

    private Libbpf() {}

    /**
     * Opens libbpf now, for a command that needs it to fail here, before it makes anything, when
     * libbpf is missing or too old.
     */
    public static void require() {
        open();
    }

    /** major.minor, e.g. 1.1. */
    public static String version() {
        open();
        return version;
    }

    /** The address of one of libbpf's functions, opening libbpf first if need be. */
    static MemorySegment symbol(String name) {
        return open().find(name).orElseThrow(() -> unusable("libbpf " + version + " (" + file() + ") has no " + name));
    }

    private static synchronized SymbolLookup open() {
        if (library == null) {
            SymbolLookup lookup;
            try {
                lookup = SymbolLookup.libraryLookup(file(), Arena.global());
            } catch (IllegalArgumentException e) {
                throw unusable(file() + " not found");
            }
            int major = versionPart(lookup, "libbpf_major_version");
            int minor = versionPart(lookup, "libbpf_minor_version");
            if (major < MIN_MAJOR || major == MIN_MAJOR && minor < MIN_MINOR) {
                throw unusable("libbpf " + major + "." + minor + " (" + file() + ") is too old");
            }
            version = major + "." + minor;
            library = lookup;
        }
        return library;
    }

    /** {@code __u32 libbpf_major_version(void);} and its minor twin, which libbpf has had since 0.6. */
    private static int versionPart(SymbolLookup lookup, String function) {
        MemorySegment address = lookup.find(function).orElseThrow(
                () -> unusable(file() + " is not libbpf " + MIN_MAJOR + "." + MIN_MINOR + " or newer (it has no " + function + ")"));
        MethodHandle handle = Native.LINKER.downcallHandle(address, FunctionDescriptor.of(JAVA_INT));
        return Native.call(() -> (int) handle.invokeExact());
    }

    private static String file() {
        return System.getProperty(PATH_PROPERTY, DEFAULT);
    }

    private static BpfException unusable(String what) {
        return BpfException.unusable("dlopen(" + file() + ")", what + ": " + INSTALL);
    }
}

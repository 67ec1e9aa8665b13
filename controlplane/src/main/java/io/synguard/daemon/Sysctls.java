package io.synguard.daemon;

import io.synguard.json.Json;
import io.synguard.state.StateFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network namespace's sysctls that synguard sets on purpose, and puts back. The values found
 * before the first change are kept in a file in the state directory until they are back, so that a
 * daemon killed before it could restore them has its successor do it.
 */
final class Sysctls {
    private static final Logger LOG = LoggerFactory.getLogger(Sysctls.class);

    private final Path procSys;
    private final Path saved;

    /**
     * @param procSys /proc/sys, or a stand-in (tests)
     * @param saved   the file that holds the values to put back
     */
    Sysctls(Path procSys, Path saved) {
        this.procSys = procSys;
        this.saved = saved;
    }

    /** Whether this kernel has the sysctl, e.g. "net/ipv4/tcp_syncookies". */
    boolean has(String name) {
        return Files.exists(procSys.resolve(name));
    }

    /** A sysctl's value, e.g. "net/ipv4/tcp_syncookies"; words separated by one space. */
    String read(String name) {
        // not Files.readString: it trusts the size /proc reports and reads a single byte here
        try (InputStream in = Files.newInputStream(procSys.resolve(name))) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim().replaceAll("\\s+", " ");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sysctl " + name, e);
        }
    }

    /** Sets each of wanted that differs, keeping the value it replaces to put back. */
    synchronized void set(Map<String, String> wanted) {
        Map<String, String> originals = originals();
        for (Map.Entry<String, String> w : wanted.entrySet()) {
            String now = read(w.getKey());
            if (!now.equals(w.getValue())) {
                originals.putIfAbsent(w.getKey(), now);
                save(originals);
                write(w.getKey(), w.getValue());
                LOG.info("sysctl {} = {} (was {}; put back when cookies go off or synguard stops)",
                        w.getKey().replace('/', '.'), w.getValue(), now);
            }
        }
    }

    /** Puts back every value set, also by a predecessor that could not. */
    synchronized void restore() {
        Map<String, String> originals = originals();
        originals.forEach((name, value) -> {
            write(name, value);
            LOG.info("sysctl {} = {} again", name.replace('/', '.'), value);
        });
        try {
            Files.deleteIfExists(saved);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + saved, e);
        }
    }

    private Map<String, String> originals() {
        if (!Files.exists(saved)) {
            return new LinkedHashMap<>();
        }
        try {
            Map<String, String> m = new LinkedHashMap<>();
            Json.mapper().readTree(saved.toFile()).properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + saved, e);
        }
    }

    /** Through {@link StateFile}, so that a kill mid-write leaves the old values, never half a file. */
    private void save(Map<String, String> originals) {
        try {
            new StateFile(saved).write(Json.mapper().writeValueAsBytes(originals));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + saved, e);
        }
    }

    private void write(String name, String value) {
        try {
            Files.writeString(procSys.resolve(name), value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set the sysctl " + name + " to " + value, e);
        }
    }
}

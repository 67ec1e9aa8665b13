package io.synguard.flood;

import io.synguard.net.Family;
import io.synguard.net.Prefix;

import java.util.Locale;

/** Where a flood's frames say they come from. */
public sealed interface Sources {

    /** The first (or only) source; its family is the flood's. */
    Prefix base();

    default Family family() {
        return base().family();
    }

    /** Every frame from one address. */
    record Fixed(Prefix base) implements Sources {
        public Fixed {
            requireHost(base);
        }
    }

    /** Frames spread at random over hosts consecutive addresses from base on. */
    record Botnet(Prefix base, int hosts) implements Sources {
        public Botnet {
            requireHost(base);
            if (hosts < 1) {
                throw new IllegalArgumentException("a botnet needs at least one host, not " + hosts);
            }
        }
    }

    /** A new random address inside base for every frame, as spoofing attackers send. */
    record Spoofed(Prefix base) implements Sources {}

    /**
     * Parses {@code fixed:ADDRESS}, {@code botnet:ADDRESS+HOSTS} (HOSTS addresses from ADDRESS on)
     * or {@code spoofed:PREFIX}.
     */
    static Sources parse(String text) {
        int colon = text.indexOf(':');
        String kind = colon < 0 ? "" : text.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = text.substring(colon + 1);
        try {
            return switch (kind) {
                case "fixed" -> new Fixed(Prefix.parse(rest));
                case "botnet" -> {
                    int plus = rest.lastIndexOf('+');
                    if (plus < 0) {
                        throw new IllegalArgumentException("botnet needs ADDRESS+HOSTS");
                    }
                    yield new Botnet(Prefix.parse(rest.substring(0, plus)), Integer.parseInt(rest.substring(plus + 1)));
                }
                case "spoofed" -> new Spoofed(Prefix.parse(rest));
                default -> throw new IllegalArgumentException(
                        "sources are fixed:ADDRESS, botnet:ADDRESS+HOSTS or spoofed:PREFIX");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad sources '" + text + "': " + e.getMessage(), e);
        }
    }

    private static void requireHost(Prefix p) {
        if (p.length() != p.family().bits()) {
            throw new IllegalArgumentException("an address, not a prefix: " + p);
        }
    }
}

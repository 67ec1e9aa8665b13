package io.synguard.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An IPv4 or IPv6 prefix in canonical form: bits past the length are zero, so
 * {@code 198.18.1.7/24} is {@code 198.18.1.0/24}. A bare address is a /32 or /128. Parsing never
 * touches DNS and accepts only the plain forms: dotted quads, and IPv6 without zone ids.
 */
public final class Prefix implements Comparable<Prefix> {
    private final Family family;
    private final byte[] address;
    private final int length;

    private Prefix(Family family, byte[] address, int length) {
        this.family = family;
        this.address = address;
        this.length = length;
    }

    /** Parses CIDR notation; an IllegalArgumentException says what is wrong. */
    public static Prefix parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty prefix");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        String addressPart = slash < 0 ? s : s.substring(0, slash);
        byte[] address = s.indexOf(':') >= 0 ? parseIpv6(addressPart, text) : parseIpv4(addressPart, text);
        Family family = address.length == 4 ? Family.V4 : Family.V6;
        int length = family.bits();
        if (slash >= 0) {
            length = parseLength(s.substring(slash + 1), family, text);
        }
        return of(family, address, length);
    }

    /** The prefix of length bits around address, host bits cleared. */
    public static Prefix of(Family family, byte[] address, int length) {
        if (address.length != family.bytes()) {
            throw new IllegalArgumentException(family + " address of " + address.length + " bytes");
        }
        if (length < 0 || length > family.bits()) {
            throw new IllegalArgumentException("prefix length " + length + " outside 0.." + family.bits());
        }
        return new Prefix(family, mask(address.clone(), length), length);
    }

    /** The host prefix (/32 or /128) of an address. */
    public static Prefix host(InetAddress address) {
        byte[] bytes = address.getAddress();
        Family family = bytes.length == 4 ? Family.V4 : Family.V6;
        return new Prefix(family, bytes, family.bits());
    }

    public Family family() {
        return family;
    }

    /** The network address in network byte order; a copy. */
    public byte[] address() {
        return address.clone();
    }

    public int length() {
        return length;
    }

    /** Whether every address of other lies inside this prefix. */
    public boolean contains(Prefix other) {
        if (other.family != family || other.length < length) {
            return false;
        }
        return Arrays.equals(mask(other.address.clone(), length), address);
    }

    /** This prefix's address masked to a shorter length. */
    public Prefix truncate(int shorter) {
        if (shorter > length) {
            throw new IllegalArgumentException("cannot widen /" + length + " to /" + shorter);
        }
        return of(family, address, shorter);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prefix p && p.family == family && p.length == length && Arrays.equals(p.address, address);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(address) + length;
    }

    /** Orders IPv4 before IPv6, then by address, then shorter first. */
    @Override
    public int compareTo(Prefix o) {
        if (family != o.family) {
            return family.compareTo(o.family);
        }
        int c = Arrays.compareUnsigned(address, o.address);
        return c != 0 ? c : Integer.compare(length, o.length);
    }

    /** CIDR text: dotted quad, or IPv6 as RFC 5952 writes it. */
    @Override
    public String toString() {
        return addressText() + "/" + length;
    }

    /** The address alone, as {@link #toString} writes it. */
    public String addressText() {
        return family == Family.V4 ? ipv4Text(address) : ipv6Text(address);
    }

    private static byte[] mask(byte[] address, int length) {
        for (int i = 0; i < address.length; i++) {
            int keep = Math.clamp(length - 8L * i, 0, 8);
            address[i] &= (byte) (0xff00 >> keep);
        }
        return address;
    }

    private static int parseLength(String digits, Family family, String text) {
        if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("bad prefix length in '" + text + "'");
        }
        int length = Integer.parseInt(digits);
        if (length > family.bits()) {
            throw new IllegalArgumentException("prefix length /" + length + " exceeds /" + family.bits()
                    + " in '" + text + "'");
        }
        return length;
    }

    private static byte[] parseIpv4(String s, String text) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (a.b.c.d) or an IPv6 one");
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (p.length() > 1 && p.charAt(0) == '0')) {
                throw new IllegalArgumentException("bad IPv4 octet '" + p + "' in '" + text + "'");
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                throw new IllegalArgumentException("IPv4 octet " + v + " exceeds 255 in '" + text + "'");
            }
            address[i] = (byte) v;
        }
        return address;
    }

    private static byte[] parseIpv6(String s, String text) {
        if (s.indexOf('%') >= 0) {
            throw new IllegalArgumentException("zone ids have no place in a prefix: '" + text + "'");
        }
        InetAddress parsed;
        try {
            parsed = Inet6Address.ofLiteral(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 address", e);
        }
        if (!(parsed instanceof Inet6Address)) {
            throw new IllegalArgumentException("'" + text + "' is IPv4-mapped: write it as IPv4");
        }
        return parsed.getAddress();
    }

    private static String ipv4Text(byte[] a) {
        return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
    }

    /** RFC 5952: lower case, no leading zeros, the longest run (>= 2) of zero groups as "::". */
    private static String ipv6Text(byte[] a) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (a[2 * i] & 0xff) << 8 | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(hex.toHexDigits((short) groups[i]).replaceFirst("^0{1,3}", ""));
        }
        return sb.toString();
    }
}

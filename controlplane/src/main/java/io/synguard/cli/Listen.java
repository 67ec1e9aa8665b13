package io.synguard.cli;

import java.net.InetSocketAddress;

/** HOST:PORT, with [brackets] around an IPv6 host. */
final class Listen {
    private Listen() {}

    static InetSocketAddress parse(String text) {
        InetSocketAddress a = unresolved("--listen", text);
        return new InetSocketAddress(a.getHostString(), a.getPort());
    }

    /** text as option's HOST:PORT, the host not looked up; a refusal names option. */
    static InetSocketAddress unresolved(String option, String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException(option + " takes HOST:PORT, not '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + text.substring(colon + 1) + "' is not a port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(option + ": port " + port + " is out of range");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }
}

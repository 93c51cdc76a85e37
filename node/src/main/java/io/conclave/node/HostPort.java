package io.conclave.node;

import java.net.InetSocketAddress;

/** Parses and formats {@code host:port} as flags and NOT_LEADER hints spell it. */
final class HostPort {
    private HostPort() {}

    static InetSocketAddress parse(String text) {
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no numeric port");
        }
        if (port < 0 || port > 65_535) throw new IllegalArgumentException("'" + text + "': port out of range");
        return new InetSocketAddress(host, port);
    }

    static String format(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}

package io.conclave.node.cluster;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** HOST:PORT as flags, liveness records and join answers spell it. */
public final class Addresses {
    private Addresses() {}

    public static InetSocketAddress parse(String text) {
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

    public static String format(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    /** A comma-separated list of HOST:PORT (empty or null: none), each checked. */
    public static List<String> parseList(String text, String flag) {
        List<String> out = new ArrayList<>();
        if (text == null || text.isBlank()) return out;
        for (String part : text.split(",")) {
            if (part.isBlank()) continue;
            try {
                out.add(format(parse(part)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(flag + ": " + e.getMessage());
            }
        }
        return List.copyOf(out);
    }
}

package io.conclave.driver;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed {@code jdbc:conclave://HOST:PORT[,HOST:PORT...][/DATABASE][?name=value&...]} URL
 * (the {@code jdbc:} prefix is optional, so the shell's {@code conclave://...} parses too).
 * Hosts are tried in the order given. Conclave has one database, so a path is accepted and
 * ignored; unknown options are refused rather than silently dropped.
 */
public record ConclaveUrl(List<HostPort> hosts, Map<String, String> options) {
    public static final String PREFIX = "jdbc:conclave://";
    /** The options a URL (or the JDBC {@link java.util.Properties}) may set. */
    public static final Set<String> KNOWN_OPTIONS = Set.of(
            "commit_wait", "application_name", "user", "password", "connect_timeout_ms", "socket_timeout_ms",
            "sslmode", "sslrootcert", "sslcert", "sslkey", "load_balance_hosts");
    /** A URL naming more hosts than this is refused: each is tried in turn on connect. */
    public static final int MAX_HOSTS = 64;

    public ConclaveUrl {
        if (hosts.isEmpty()) throw new IllegalArgumentException("a Conclave URL needs at least one host:port");
        hosts = List.copyOf(hosts);
        options = Map.copyOf(options);
    }

    public record HostPort(String host, int port) {
        public HostPort {
            if (host == null || host.isEmpty()) throw new IllegalArgumentException("empty host");
            if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        }

        /** Parses {@code host:port} or {@code [v6addr]:port}. */
        public static HostPort parse(String text) {
            String t = text.trim();
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || colon == t.length() - 1) {
                throw new IllegalArgumentException("expected HOST:PORT, got '" + text + "'");
            }
            String host = t.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            int port;
            try {
                port = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port in '" + text + "'");
            }
            return new HostPort(host, port);
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** Whether {@code url} is one this driver takes (the JDBC {@code acceptsURL} test). */
    public static boolean accepts(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    /** Parses a URL; throws {@link IllegalArgumentException} saying what is wrong. */
    public static ConclaveUrl parse(String url) {
        if (url == null) throw new IllegalArgumentException("URL is null");
        String rest;
        if (url.startsWith(PREFIX)) {
            rest = url.substring(PREFIX.length());
        } else if (url.startsWith("conclave://")) {
            rest = url.substring("conclave://".length());
        } else {
            throw new IllegalArgumentException("not a Conclave URL (expected " + PREFIX + "HOST:PORT[,HOST:PORT...]): " + url);
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        if (slash >= 0) rest = rest.substring(0, slash);
        List<HostPort> hosts = new ArrayList<>();
        for (String h : rest.split(",")) {
            if (h.isBlank()) throw new IllegalArgumentException("empty host in " + url);
            hosts.add(HostPort.parse(h));
        }
        if (hosts.size() > MAX_HOSTS) {
            throw new IllegalArgumentException("a URL may name at most " + MAX_HOSTS + " hosts, got " + hosts.size());
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (!query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                checkOption(name);
                options.put(name, value);
            }
        }
        return new ConclaveUrl(hosts, options);
    }

    static void checkOption(String name) {
        if (!KNOWN_OPTIONS.contains(name)) {
            throw new IllegalArgumentException("unknown option '" + name + "' (known: " + KNOWN_OPTIONS + ")");
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}

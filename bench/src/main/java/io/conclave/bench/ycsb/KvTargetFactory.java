package io.conclave.bench.ycsb;

import io.conclave.node.KvClient;
import java.util.List;
import java.util.Locale;

/** Targets over one shared, thread-safe {@link KvClient} of the nodes at {@code host:port,...}. */
final class KvTargetFactory implements TargetFactory {
    static final String SCHEME = "conclave-kv://";

    private final List<String> addresses;
    private final KvClient client;

    KvTargetFactory(List<String> addresses) {
        if (addresses.isEmpty()) throw new IllegalArgumentException("no node address for the KV target");
        for (String a : addresses) {
            if (!a.matches("[^:/\\s]+:\\d{1,5}")) throw new IllegalArgumentException("not a host:port: '" + a + "'");
        }
        this.addresses = List.copyOf(addresses);
        this.client = KvClient.connect(addresses, KvTarget.OPTIONS);
    }

    /** Parses {@code conclave-kv://host:port[,host:port...]}. */
    static KvTargetFactory fromUrl(String url) {
        if (!url.toLowerCase(Locale.ROOT).startsWith(SCHEME)) {
            throw new IllegalArgumentException("a native KV URL looks like " + SCHEME + "host:port[,host:port], was " + url);
        }
        String rest = url.substring(SCHEME.length());
        if (rest.endsWith("/")) rest = rest.substring(0, rest.length() - 1);
        return new KvTargetFactory(List.of(rest.split(",")));
    }

    /** A read of a key that need not exist: every node must answer through the leader of its group. */
    @Override
    public void check() {
        try {
            client.get(KvTarget.key("ycsb_check", "reachable"));
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot reach the Conclave cluster at " + String.join(",", addresses)
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Target create() {
        return new KvTarget(client);
    }

    @Override
    public String describe() {
        return SCHEME + String.join(",", addresses) + " (native KV client)";
    }

    @Override
    public void close() {
        client.close();
    }
}

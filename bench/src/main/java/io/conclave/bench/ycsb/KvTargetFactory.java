package io.conclave.bench.ycsb;

import io.conclave.node.client.Clients;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.RangeClientSettings;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Targets over one shared, thread-safe {@link RangeClient} of the nodes at {@code host:port,...}. */
final class KvTargetFactory implements TargetFactory {
    static final String SCHEME = "conclave-kv://";
    /**
     * The benchmark's client: an overloaded cluster shows as latency, a dead one as errors within
     * 10 s; up to 64 parallel puts of load batches across all threads.
     */
    static final RangeClientSettings SETTINGS = new RangeClientSettings(Duration.ofSeconds(3), Duration.ofSeconds(10),
            Duration.ofMillis(10), Duration.ofMillis(200), 64);

    private final List<String> addresses;
    private final RangeClient client;

    KvTargetFactory(List<String> addresses) {
        if (addresses.isEmpty()) throw new IllegalArgumentException("no node address for the KV target");
        for (String a : addresses) {
            if (!a.matches("[^:/\\s]+:\\d{1,5}")) throw new IllegalArgumentException("not a host:port: '" + a + "'");
        }
        this.addresses = List.copyOf(addresses);
        this.client = Clients.connect(addresses, SETTINGS);
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

    /** A read of a key that need not exist: the range cache must load and a leaseholder answer. */
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
        return SCHEME + String.join(",", addresses) + " (native KV, range client)";
    }

    @Override
    public void close() {
        client.close();
    }
}

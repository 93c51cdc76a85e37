package io.conclave.node.client;

import io.conclave.node.transport.TransportConfig;
import io.conclave.node.transport.TransportTls;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.RangeClientSettings;
import java.util.ArrayList;
import java.util.List;

/** Ready-made {@link RangeClient}s over the node's Netty transport. */
public final class Clients {
    private Clients() {}

    /** A client of the cluster these nodes ({@code host:port}) belong to, with default settings. No I/O yet. */
    public static RangeClient connect(List<String> seeds) {
        return connect(seeds, RangeClientSettings.defaults());
    }

    public static RangeClient connect(List<String> seeds, RangeClientSettings settings) {
        return new RangeClient(new NettyNodeDialer(settings.requestTimeout()), seeds, settings);
    }

    /** As above over connections made with {@code transport} (its TLS, its limits). */
    public static RangeClient connect(List<String> seeds, RangeClientSettings settings, TransportConfig transport) {
        return new RangeClient(new NettyNodeDialer(transport, settings.requestTimeout()), seeds,
                settings);
    }

    /** As {@link #connect(List)} with the TLS of {@code tls}. */
    public static RangeClient connect(List<String> seeds, TransportTls tls) {
        return connect(seeds, RangeClientSettings.defaults(), TransportConfig.defaults().withTls(tls));
    }

    /** As {@link #connect(List)} from a comma-separated list, as the {@code --host} flags take it. */
    public static RangeClient connect(String commaSeparatedSeeds) {
        List<String> seeds = new ArrayList<>();
        for (String s : commaSeparatedSeeds.split(",")) {
            if (!s.isBlank()) seeds.add(s.trim());
        }
        return connect(seeds);
    }
}

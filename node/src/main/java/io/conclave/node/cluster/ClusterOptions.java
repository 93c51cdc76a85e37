package io.conclave.node.cluster;

import io.conclave.node.maintenance.MaintenanceSettings;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * What a node needs for cluster life besides its identity and store.
 *
 * @param httpListen where to serve the HTTP status pages ({@code --http}); null for none
 * @param joinAddresses the {@code --join} addresses: where an empty store asks for a node id, what
 *     a restart checks its cluster against, and seeds of the node's own range client
 * @param liveness how often the node heartbeats its liveness record and how long it lasts
 * @param maintenance the maintenance loop's settings (meta repair, auto-split, allocator); null
 *     runs no loop, as in-process test clusters that manage membership by hand want
 */
public record ClusterOptions(InetSocketAddress httpListen, List<String> joinAddresses, LivenessSettings liveness,
        MaintenanceSettings maintenance) {
    public ClusterOptions {
        joinAddresses = List.copyOf(joinAddresses);
        if (liveness == null) throw new IllegalArgumentException("liveness settings are required");
    }

    /** No HTTP, no join addresses, default liveness. */
    public static ClusterOptions defaults() {
        return new ClusterOptions(null, List.of(), LivenessSettings.defaults(), null);
    }

    public ClusterOptions withHttp(InetSocketAddress listen) {
        return new ClusterOptions(listen, joinAddresses, liveness, maintenance);
    }

    public ClusterOptions withJoinAddresses(List<String> addresses) {
        return new ClusterOptions(httpListen, addresses, liveness, maintenance);
    }

    public ClusterOptions withLiveness(LivenessSettings settings) {
        return new ClusterOptions(httpListen, joinAddresses, settings, maintenance);
    }

    public ClusterOptions withMaintenance(MaintenanceSettings settings) {
        return new ClusterOptions(httpListen, joinAddresses, liveness, settings);
    }
}

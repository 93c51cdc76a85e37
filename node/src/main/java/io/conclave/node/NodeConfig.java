package io.conclave.node;

import io.conclave.clock.MaxOffsetSetting;
import io.conclave.node.clocksync.ClockSyncSettings;
import io.conclave.node.cluster.ClusterOptions;
import io.conclave.node.transport.TransportTls;
import io.conclave.range.multiraft.SchedulerSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything {@code conclave start} configures, validated together.
 *
 * @param nodeId this node's id, positive and unique in the cluster
 * @param clusterId the cluster's name; a store or a peer of another cluster is refused
 * @param storeDir the LMDB store directory (created if missing)
 * @param listen the address to listen on; port 0 picks a free one
 * @param peers the initial voters of every group and their addresses; a node listed here
 *     bootstraps the groups on its first start
 * @param join start with no groups and wait to be added with {@code admin add-replica}
 * @param maxOffsetNanos the most two clocks of the cluster may differ; peers must agree on it
 * @param testClockOffsetNanos shifts this node's physical clock, to test the offset checks
 * @param fsync whether commits are durable; false only for experiments
 * @param tickInterval the Raft tick; election and heartbeat timeouts count in ticks
 * @param scheduler the scheduler's limits
 * @param clockSync how often the offset guard pings peers and persists the clock's high-water mark
 * @param initialRanges how many ranges the user keyspace is pre-split into by a {@code --peers}
 *     bootstrap (besides range 1, which holds meta and system records)
 * @param cluster HTTP status address, {@code --join} addresses, liveness and maintenance settings
 * @param tls TLS and the certificates of a secure node ({@code --certs-dir}), or
 *     {@link TransportTls#NONE} for an insecure one ({@code --insecure}: plaintext, every SQL
 *     client is root)
 */
public record NodeConfig(
        long nodeId,
        String clusterId,
        Path storeDir,
        InetSocketAddress listen,
        Map<Long, InetSocketAddress> peers,
        boolean join,
        long maxOffsetNanos,
        long testClockOffsetNanos,
        boolean fsync,
        Duration tickInterval,
        SchedulerSettings scheduler,
        ClockSyncSettings clockSync,
        int initialRanges,
        ClusterOptions cluster,
        TransportTls tls) {

    public static final Duration DEFAULT_TICK_INTERVAL = Duration.ofMillis(100);

    public NodeConfig {
        require(nodeId > 0, "--node-id must be a positive integer, was " + nodeId);
        require(clusterId != null && !clusterId.isBlank(), "--cluster-id must not be empty");
        require(storeDir != null, "--store is required");
        require(listen != null, "--listen is required");
        peers = Map.copyOf(new TreeMap<>(peers));
        require(join || !peers.isEmpty(), "either --peers (the initial voters) or --join is required");
        require(!(join && peers.containsKey(nodeId)),
                "--join contradicts --peers: node " + nodeId + " is listed as an initial voter");
        MaxOffsetSetting.validate(maxOffsetNanos);
        require(!tickInterval.isNegative() && !tickInterval.isZero() && tickInterval.toMillis() <= 10_000,
                "the tick interval must be in (0, 10s], was " + tickInterval);
        require(clockSync != null, "clock sync settings are required");
        require(initialRanges >= 1 && initialRanges <= 10_000,
                "--initial-ranges must be in [1, 10000], was " + initialRanges);
        require(cluster != null, "cluster options are required");
        require(tls != null, "tls is required (TransportTls.NONE for an insecure node)");
        // A holder serves only until expiration - maxOffset, and a successor starts at expiration +
        // maxOffset: a lease not much longer than that would spend most of its life unusable.
        require(scheduler.leaseDurationNanos() > 2 * maxOffsetNanos, "--lease-duration ("
                + scheduler.leaseDurationNanos() / 1_000_000 + " ms) must exceed twice --max-offset ("
                + 2 * maxOffsetNanos / 1_000_000 + " ms): a holder stops serving max-offset before its lease ends");
    }

    /** An insecure configuration (plaintext, every SQL client is root). */
    public NodeConfig(long nodeId, String clusterId, Path storeDir, InetSocketAddress listen,
            Map<Long, InetSocketAddress> peers, boolean join, long maxOffsetNanos, long testClockOffsetNanos,
            boolean fsync, Duration tickInterval, SchedulerSettings scheduler, ClockSyncSettings clockSync,
            int initialRanges, ClusterOptions cluster) {
        this(nodeId, clusterId, storeDir, listen, peers, join, maxOffsetNanos, testClockOffsetNanos, fsync,
                tickInterval, scheduler, clockSync, initialRanges, cluster, TransportTls.NONE);
    }

    /** A configuration with default cluster options: no HTTP, no --join addresses, no maintenance. */
    public NodeConfig(long nodeId, String clusterId, Path storeDir, InetSocketAddress listen,
            Map<Long, InetSocketAddress> peers, boolean join, long maxOffsetNanos, long testClockOffsetNanos,
            boolean fsync, Duration tickInterval, SchedulerSettings scheduler, ClockSyncSettings clockSync,
            int initialRanges) {
        this(nodeId, clusterId, storeDir, listen, peers, join, maxOffsetNanos, testClockOffsetNanos, fsync,
                tickInterval, scheduler, clockSync, initialRanges, ClusterOptions.defaults());
    }

    /** A configuration with one initial user range. */
    public NodeConfig(long nodeId, String clusterId, Path storeDir, InetSocketAddress listen,
            Map<Long, InetSocketAddress> peers, boolean join, long maxOffsetNanos, long testClockOffsetNanos,
            boolean fsync, Duration tickInterval, SchedulerSettings scheduler, ClockSyncSettings clockSync) {
        this(nodeId, clusterId, storeDir, listen, peers, join, maxOffsetNanos, testClockOffsetNanos, fsync,
                tickInterval, scheduler, clockSync, 1);
    }

    /** A configuration with the default clock sync settings. */
    public NodeConfig(long nodeId, String clusterId, Path storeDir, InetSocketAddress listen,
            Map<Long, InetSocketAddress> peers, boolean join, long maxOffsetNanos, long testClockOffsetNanos,
            boolean fsync, Duration tickInterval, SchedulerSettings scheduler) {
        this(nodeId, clusterId, storeDir, listen, peers, join, maxOffsetNanos, testClockOffsetNanos, fsync,
                tickInterval, scheduler, ClockSyncSettings.defaults());
    }

    /** This configuration with other clock sync settings. */
    public NodeConfig withClockSync(ClockSyncSettings settings) {
        return new NodeConfig(nodeId, clusterId, storeDir, listen, peers, join, maxOffsetNanos,
                testClockOffsetNanos, fsync, tickInterval, scheduler, settings, initialRanges, cluster, tls);
    }

    /** This configuration with the user keyspace pre-split into {@code ranges} ranges at bootstrap. */
    public NodeConfig withInitialRanges(int ranges) {
        return new NodeConfig(nodeId, clusterId, storeDir, listen, peers, join, maxOffsetNanos,
                testClockOffsetNanos, fsync, tickInterval, scheduler, clockSync, ranges, cluster, tls);
    }

    /** This configuration with other cluster options (HTTP, --join, liveness, maintenance). */
    public NodeConfig withCluster(ClusterOptions options) {
        return new NodeConfig(nodeId, clusterId, storeDir, listen, peers, join, maxOffsetNanos,
                testClockOffsetNanos, fsync, tickInterval, scheduler, clockSync, initialRanges, options, tls);
    }

    /** This configuration with other TLS (a secure node: {@code NodeTls.forNode}). */
    public NodeConfig withTls(TransportTls transportTls) {
        return new NodeConfig(nodeId, clusterId, storeDir, listen, peers, join, maxOffsetNanos,
                testClockOffsetNanos, fsync, tickInterval, scheduler, clockSync, initialRanges, cluster, transportTls);
    }

    /** Whether the node runs secure: TLS everywhere, SQL users authenticated and their privileges checked. */
    public boolean secure() {
        return tls.enabled();
    }

    /** Whether this node is one of the initial voters, so it bootstraps the groups on a fresh store. */
    public boolean bootstraps() {
        return peers.containsKey(nodeId);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}

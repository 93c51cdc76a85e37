package io.conclave.range.allocator;

/**
 * What the allocator knows of one node: whether it may receive replicas, whether its replicas
 * should be replaced, and how loaded it is.
 *
 * @param replicaCount replicas the node holds (all ranges), as last counted
 * @param leaseCount leases the node holds, as last counted
 * @param countsKnown whether the counts were ever read from the node: a node whose counts are
 *     unknown is left out of rebalancing (it would look empty and attract every move)
 */
public record NodeState(long nodeId, Health health, int replicaCount, int leaseCount, boolean countsKnown) {
    public enum Health {
        /** Its liveness record has not expired: it may receive replicas and leases. */
        LIVE,
        /**
         * Expired (or never seen) for less than the dead-after setting: perhaps restarting. Its
         * replicas are left alone and it receives nothing.
         */
        SUSPECT,
        /** Expired for longer than the dead-after setting: its replicas are replaced. */
        DEAD
    }

    public NodeState {
        Invariants.require(nodeId > 0, "node id must be > 0, got %d", nodeId);
        Invariants.require(health != null, "node %d: health must not be null", nodeId);
        Invariants.require(replicaCount >= 0 && leaseCount >= 0,
                "node %d: replica and lease counts must be >= 0, got %d and %d", nodeId, replicaCount, leaseCount);
    }

    /** A node whose counts are known. */
    public NodeState(long nodeId, Health health, int replicaCount, int leaseCount) {
        this(nodeId, health, replicaCount, leaseCount, true);
    }

    public boolean live() {
        return health == Health.LIVE;
    }
}

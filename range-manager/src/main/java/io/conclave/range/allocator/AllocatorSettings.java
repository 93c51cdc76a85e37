package io.conclave.range.allocator;

/**
 * The allocator's limits, validated together.
 *
 * @param replicationFactor replicas per user range: 1, 3 or 5 (odd: an even count adds a replica
 *     to every write quorum without surviving one more failure). The meta range uses more (see
 *     {@link Allocator#targetReplicas}).
 * @param learnerTimeoutNanos a learner that has not caught up after this long is removed (its
 *     snapshot failed or its node is overloaded); the next pass may pick another node
 */
public record AllocatorSettings(int replicationFactor, long learnerTimeoutNanos) {
    /** The meta range's replicas, at most: it is what every client must reach first. */
    public static final int MAX_META_REPLICAS = 5;

    public AllocatorSettings {
        Invariants.require(replicationFactor == 1 || replicationFactor == 3 || replicationFactor == 5,
                "replication factor must be 1, 3 or 5, got %d", replicationFactor);
        Invariants.require(learnerTimeoutNanos > 0, "learner timeout must be > 0 nanos, got %d", learnerTimeoutNanos);
    }

    public static AllocatorSettings defaults() {
        return new AllocatorSettings(3, 5 * 60 * 1_000_000_000L);
    }
}

package io.conclave.node.cluster;

import java.time.Duration;

/**
 * How a node keeps its liveness record alive and reads the others'.
 *
 * @param heartbeatInterval how often the record is rewritten (and everyone's read back); each
 *     write is one Raft round on range 1, so 3 s costs a cluster of 100 nodes ~33 writes/s
 * @param ttl how far ahead of now a written record expires; three heartbeats, so one slow or lost
 *     write (an election on range 1, a GC pause) does not make a healthy node look dead
 * @param maxNodes the most liveness records read in one scan: bounds the answer and the memory of
 *     the view; a cluster larger than this sees only the first ones
 */
public record LivenessSettings(Duration heartbeatInterval, Duration ttl, int maxNodes) {
    public LivenessSettings {
        if (heartbeatInterval == null || heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("liveness heartbeat interval must be positive, was " + heartbeatInterval);
        }
        if (ttl == null || ttl.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("liveness ttl must be at least two heartbeat intervals ("
                    + heartbeatInterval.multipliedBy(2) + "), was " + ttl);
        }
        if (maxNodes < 1 || maxNodes > 100_000) {
            throw new IllegalArgumentException("liveness maxNodes must be in [1, 100000], was " + maxNodes);
        }
    }

    public static LivenessSettings defaults() {
        return new LivenessSettings(Duration.ofSeconds(3), Duration.ofSeconds(9), 10_000);
    }
}

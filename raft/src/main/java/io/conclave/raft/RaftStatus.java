package io.conclave.raft;

import java.util.Map;

/**
 * A snapshot of a replica's state for observers (status pages, tests, the allocator). {@code
 * matchIndex} and {@code progress} are empty unless this replica is the leader.
 *
 * @param leadTransferee the replica leadership is being transferred to, 0 if none
 * @param progress the leader's replication state per peer (itself included)
 */
public record RaftStatus(
        long id,
        HardState hardState,
        SoftState softState,
        long applied,
        long lastIndex,
        ConfState confState,
        Map<Long, Long> matchIndex,
        long leadTransferee,
        Map<Long, Peer> progress) {

    /**
     * The leader's view of one peer.
     *
     * @param state PROBE (finding where logs meet), REPLICATE (streaming) or SNAPSHOT (catching
     *     up from a snapshot)
     * @param inflightMsgs APPEND messages sent and not yet acknowledged
     * @param recentlyActive heard from within the current check-quorum round
     */
    public record Peer(String state, long match, long next, int inflightMsgs, boolean learner,
            boolean recentlyActive) {}
}

package io.conclave.raft;

import java.util.Map;

/**
 * A snapshot of a replica's state for observers (status pages, tests, the allocator). {@code
 * progress} is empty unless this replica is the leader; {@code matchIndex} per peer there.
 */
public record RaftStatus(
        long id,
        HardState hardState,
        SoftState softState,
        long applied,
        long lastIndex,
        ConfState confState,
        Map<Long, Long> matchIndex,
        long leadTransferee) {}

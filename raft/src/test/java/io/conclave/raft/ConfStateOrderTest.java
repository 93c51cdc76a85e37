package io.conclave.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A configuration iterates its members in ascending node id, whatever set it was built from:
 * the order a leader walks its peers in must not depend on a per-JVM hash salt (Set.of,
 * Set.copyOf), or a simulation's seed would not replay in a new process.
 */
class ConfStateOrderTest {
    @Test
    void membersIterateInAscendingNodeId() {
        ConfState cs = new ConfState(Set.of(9L, 2L, 7L, 4L, 1L), Set.of(8L, 3L, 6L));
        assertEquals(List.of(1L, 2L, 4L, 7L, 9L), new ArrayList<>(cs.voters()));
        assertEquals(List.of(3L, 6L, 8L), new ArrayList<>(cs.learners()));
    }
}

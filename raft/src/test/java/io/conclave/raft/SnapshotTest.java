package io.conclave.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotTest {

    private static Cluster laggingFollowerAfterCompaction() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        c.isolate(3);
        for (int i = 0; i < 20; i++) c.propose(1, "p" + i);
        c.compact(1);
        return c;
    }

    @Test
    void laggingFollowerCatchesUpBySnapshotAfterCompaction() {
        Cluster c = laggingFollowerAfterCompaction();
        long snapIndex = c.storages.get(1L).snapshot().metadata().index();
        c.heal();
        c.tickAll(3);
        assertEquals(1, c.sentOf(MessageType.SNAPSHOT, 3).size());
        assertEquals(snapIndex, c.storages.get(3L).firstIndex() - 1);
        assertTrue(c.applied.get(3L).get(0).startsWith("snapshot@" + snapIndex));
        c.propose(1, "after");
        assertEquals("after", c.applied.get(3L).get(c.applied.get(3L).size() - 1));
        assertEquals(c.committed(1), c.committed(3));
        assertEquals(ConfState.ofVoters(1, 2, 3), c.node(3).status().confState());
    }

    @Test
    void lostSnapshotIsResentAfterReportSnapshotFailure() {
        Cluster c = laggingFollowerAfterCompaction();
        c.heal();
        c.drop(m -> m.type() == MessageType.SNAPSHOT);
        c.tickAll(2);
        assertEquals(1, c.sentOf(MessageType.SNAPSHOT, 3).size());
        c.heal();
        c.node(1).reportSnapshot(3, false);
        c.tickAll(3);
        assertEquals(2, c.sentOf(MessageType.SNAPSHOT, 3).size());
        assertEquals(c.committed(1), c.committed(3));
    }

    @Test
    void lostSnapshotIsResentEvenWithoutReport() {
        Cluster c = laggingFollowerAfterCompaction();
        c.heal();
        c.drop(m -> m.type() == MessageType.SNAPSHOT);
        c.tickAll(2);
        c.heal();
        c.tickAll(60);
        assertTrue(c.sentOf(MessageType.SNAPSHOT, 3).size() >= 2);
        assertEquals(c.committed(1), c.committed(3));
    }

    @Test
    void restartFromSnapshotOnlyStorage() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        for (int i = 0; i < 5; i++) c.propose(1, "p" + i);
        for (long id = 1; id <= 3; id++) {
            c.compact(id);
            MemoryRaftStorage st = c.storages.get(id);
            assertEquals(st.lastIndex(), st.firstIndex() - 1, "log is empty, only the snapshot is left");
            c.restart(id);
        }
        c.stabilize();
        c.tickAll(40);
        long leader = c.leader();
        assertNotEquals(0, leader);
        c.propose(leader, "x");
        for (long id = 1; id <= 3; id++) {
            List<String> a = c.applied.get(id);
            assertEquals("x", a.get(a.size() - 1));
        }
    }

    @Test
    void staleSnapshotIsIgnored() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        Snapshot stale = new Snapshot(new SnapshotMetadata(2, 1, ConfState.ofVoters(1, 2, 3)), new byte[0]);
        c.node(2).step(new Message(MessageType.SNAPSHOT, 1, 2, c.term(1), 0, 0, null, 0, false, 0, stale, null));
        Ready rd = c.node(2).ready();
        assertTrue(rd.snapshot().isEmpty());
        c.node(2).advance(rd);
        assertFalse(c.node(2).hasReady());
    }

    @Test
    void unreachableFollowerFallsBackToProbing() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        assertEquals(Progress.State.REPLICATE, c.raft(1).trk.get(2L).state);
        c.node(1).reportUnreachable(2);
        assertEquals(Progress.State.PROBE, c.raft(1).trk.get(2L).state);
        c.tickAll(2);
        assertEquals(Progress.State.REPLICATE, c.raft(1).trk.get(2L).state);
    }
}

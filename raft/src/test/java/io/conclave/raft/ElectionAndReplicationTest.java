package io.conclave.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ElectionAndReplicationTest {

    @Test
    void bootstrapHandsOutMembershipEntriesOnce() {
        MemoryRaftStorage st = new MemoryRaftStorage(ConfState.ofVoters(1, 2, 3));
        RawNode n = new RawNode(Cluster.config(1), st);
        assertTrue(n.hasReady());
        Ready rd = n.ready();
        assertEquals(3, rd.entries().size());
        assertEquals(new HardState(1, 0, 3), rd.hardState());
        assertTrue(rd.mustSync());
        assertTrue(rd.committedEntries().isEmpty(), "not persisted yet, so not applicable");
        st.append(rd.entries());
        st.setHardState(rd.hardState());
        n.advance(rd);
        Ready rd2 = n.ready();
        assertEquals(3, rd2.committedEntries().size());
        assertNull(rd2.hardState());
        assertNull(rd2.softState());
        for (Entry e : rd2.committedEntries()) n.applyConfChange(ConfChange.decode(e.data()));
        n.advance(rd2);
        assertFalse(n.hasReady());
        // A restart finds the entries and does not bootstrap again.
        RawNode again = new RawNode(Cluster.config(1).withApplied(3), st);
        assertFalse(again.hasReady());
        assertEquals(3, again.status().lastIndex());
    }

    @Test
    void threeNodesElectOneLeaderByTimeout() {
        Cluster c = Cluster.of(1, 2, 3);
        c.tickAll(40);
        long leader = c.leader();
        assertNotEquals(0, leader);
        for (long id = 1; id <= 3; id++) {
            assertEquals(leader, c.node(id).status().softState().leaderId());
            assertEquals(c.term(leader), c.term(id));
        }
    }

    @Test
    void campaignWinsAndReplicates() {
        Cluster c = Cluster.of(1, 2, 3);
        c.stabilize();
        c.campaign(1);
        assertEquals(Role.LEADER, c.role(1));
        long idx = c.propose(1, "a");
        c.propose(1, "b");
        for (long id = 1; id <= 3; id++) {
            assertEquals(idx + 1, c.committed(id) - 0, "node " + id);
            assertEquals(List.of("a", "b"), c.applied.get(id));
        }
    }

    @Test
    void singleNodeCommitsAlone() {
        Cluster c = Cluster.of(1);
        c.campaign(1);
        assertEquals(Role.LEADER, c.role(1));
        c.propose(1, "x");
        assertEquals(List.of("x"), c.applied.get(1L));
    }

    @Test
    void followerRefusesProposalsWithLeaderHint() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        ProposalDroppedException e = assertThrows(ProposalDroppedException.class, () -> c.node(2).propose(new byte[1]));
        assertEquals(ProposalDroppedException.Reason.NOT_LEADER, e.reason());
        assertEquals(1, e.leaderHint());
    }

    @Test
    void minorityCannotCommitAndLeaderRejoinsAsFollower() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        c.isolate(1);
        long before = c.committed(1);
        c.node(1).propose(Cluster.bytes("lost"));
        c.stabilize();
        assertEquals(before, c.committed(1));
        c.tickAll(40);
        long newLeader = c.leader();
        assertTrue(newLeader == 2 || newLeader == 3);
        c.propose(newLeader, "b");
        c.heal();
        c.tickAll(5);
        assertEquals(Role.FOLLOWER, c.role(1));
        assertEquals(List.of("a", "b"), c.applied.get(1L));
    }

    @Test
    void hasReadyIsFalseWhenIdleAndReadyReportsOnlyChanges() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        for (RawNode n : c.nodes.values()) assertFalse(n.hasReady());
        c.node(2).tick();
        assertFalse(c.node(2).hasReady(), "a follower tick changes nothing visible");
        c.node(1).propose(Cluster.bytes("p"));
        Ready rd = c.node(1).ready();
        assertNull(rd.softState());
        assertNull(rd.hardState(), "commit unchanged until followers ack");
        assertEquals(1, rd.entries().size());
        assertTrue(rd.mustSync());
    }

    @Test
    void persistedStateSurvivesRestart() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        c.restart(1);
        c.restart(2);
        c.restart(3);
        c.tickAll(40);
        long leader = c.leader();
        assertNotEquals(0, leader);
        c.propose(leader, "b");
        for (long id = 1; id <= 3; id++) assertEquals(List.of("a", "b"), c.applied.get(id));
    }
}

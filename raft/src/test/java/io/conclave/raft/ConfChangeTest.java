package io.conclave.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfChangeTest {

    private static ConfChange learner(long id) {
        return new ConfChange(ConfChange.ConfChangeType.ADD_LEARNER, id);
    }

    private static ConfChange voter(long id) {
        return new ConfChange(ConfChange.ConfChangeType.ADD_VOTER, id);
    }

    private static ConfChange remove(long id) {
        return new ConfChange(ConfChange.ConfChangeType.REMOVE_NODE, id);
    }

    @Test
    void encodeDecodeRoundTrip() {
        for (ConfChange.ConfChangeType t : ConfChange.ConfChangeType.values()) {
            ConfChange cc = new ConfChange(t, 0x0102030405060708L);
            assertEquals(cc, ConfChange.decode(cc.encode()));
        }
        assertThrows(IllegalArgumentException.class, () -> ConfChange.decode(new byte[3]));
    }

    @Test
    void addLearnerThenPromoteItToVoter() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        c.add(4, Cluster.config(4), new MemoryRaftStorage());
        c.node(1).proposeConfChange(learner(4));
        c.stabilize();
        c.tickAll(2);
        assertEquals(Set.of(4L), c.node(1).status().confState().learners());
        assertEquals(c.applied.get(1L), c.applied.get(4L), "learner replicated the log from index 1");
        assertEquals(c.node(1).status().confState(), c.node(4).status().confState());
        // A learner never campaigns.
        c.isolate(1);
        for (int i = 0; i < 100; i++) c.node(4).tick();
        assertEquals(Role.FOLLOWER, c.role(4));
        c.heal();
        c.tickAll(40);
        long leader = c.leader();
        c.node(leader).proposeConfChange(voter(4));
        c.stabilize();
        c.tickAll(2);
        assertEquals(Set.of(1L, 2L, 3L, 4L), c.node(4).status().confState().voters());
        assertEquals(Set.of(), c.node(4).status().confState().learners());
        // Now 4 counts: with 1 and 2 down, 3 and 4 are not a majority of four...
        c.isolate(1);
        c.isolate(2);
        c.tickAll(60);
        assertEquals(0, c.leader());
        // ...but with only 1 down they are (3 of 4).
        c.heal();
        c.isolate(1);
        c.tickAll(60);
        assertNotEquals(0, c.leader());
    }

    @Test
    void learnerDoesNotCountForQuorum() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.add(4, Cluster.config(4), new MemoryRaftStorage());
        c.node(1).proposeConfChange(learner(4));
        c.stabilize();
        c.isolate(2);
        c.isolate(3);
        long before = c.committed(1);
        c.node(1).propose(Cluster.bytes("x"));
        c.stabilize();
        assertEquals(before, c.committed(1), "leader + learner is not a quorum of {1,2,3}");
    }

    @Test
    void onlyOneConfChangeAtATime() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.isolate(2);
        c.isolate(3);
        c.node(1).proposeConfChange(learner(4));
        ProposalDroppedException e = assertThrows(ProposalDroppedException.class,
                () -> c.node(1).proposeConfChange(learner(5)));
        assertEquals(ProposalDroppedException.Reason.CONF_CHANGE_PENDING, e.reason());
        c.heal();
        c.tickAll(2);
        c.node(1).proposeConfChange(learner(5));
    }

    @Test
    void newLeaderWaitsForItsFirstEntryBeforeAConfChange() {
        Cluster c = Cluster.of(1, 2, 3);
        c.stabilize();
        c.drop(m -> m.type() == MessageType.APPEND_RESPONSE);
        c.campaign(1);
        assertEquals(Role.LEADER, c.role(1));
        ProposalDroppedException e = assertThrows(ProposalDroppedException.class,
                () -> c.node(1).proposeConfChange(learner(4)));
        assertEquals(ProposalDroppedException.Reason.CONF_CHANGE_PENDING, e.reason());
        c.heal();
        c.tickAll(2);
        c.node(1).proposeConfChange(learner(4));
    }

    @Test
    void invalidChangesAreRefused() {
        Cluster c = Cluster.of(1);
        c.campaign(1);
        assertThrows(IllegalArgumentException.class, () -> c.node(1).proposeConfChange(learner(1)));
        assertThrows(IllegalArgumentException.class, () -> c.node(1).proposeConfChange(remove(1)));
    }

    @Test
    void removedFollowerStopsTakingPartAndDoesNotCampaign() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.node(1).proposeConfChange(remove(3));
        c.stabilize();
        c.tickAll(2);
        assertEquals(Set.of(1L, 2L), c.node(1).status().confState().voters());
        assertEquals(Set.of(1L, 2L), c.node(3).status().confState().voters());
        long term = c.term(1);
        for (int i = 0; i < 200; i++) c.node(3).tick();
        c.stabilize();
        assertEquals(Role.FOLLOWER, c.role(3));
        assertEquals(term, c.term(1));
        c.propose(1, "two-node group");
        assertEquals("two-node group", c.applied.get(2L).get(c.applied.get(2L).size() - 1));
    }

    @Test
    void removedLeaderHandsOverAndStepsDown() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        c.node(1).proposeConfChange(remove(1));
        c.stabilize();
        c.tickAll(2);
        assertEquals(Role.FOLLOWER, c.role(1));
        long leader = c.leader();
        assertTrue(leader == 2 || leader == 3, "TIMEOUT_NOW handed leadership over at once, leader " + leader);
        c.propose(leader, "b");
        for (int i = 0; i < 200; i++) c.node(1).tick();
        c.stabilize();
        assertEquals(Role.FOLLOWER, c.role(1));
        assertEquals(leader, c.leader());
    }

    @Test
    void removingTheLeaderOfATwoVoterGroupCannotWedgeIt() {
        Cluster c = Cluster.of(1, 2);
        c.campaign(1);
        c.propose(1, "a");
        c.node(1).proposeConfChange(remove(1));
        // A leader on its way out takes no more proposals, so its log cannot outgrow node 2's.
        ProposalDroppedException e = assertThrows(ProposalDroppedException.class, () -> c.node(1).propose(new byte[1]));
        assertEquals(ProposalDroppedException.Reason.TRANSFERRING_LEADERSHIP, e.reason());
        c.processAll();
        // Node 2 receives and acknowledges the removal, then hears nothing more from node 1:
        // it never learns that the removal committed, so it still counts node 1 as a voter.
        java.util.List<Message> toTwo = new java.util.ArrayList<>(c.inFlight);
        c.inFlight.clear();
        for (Message m : toTwo) c.node(2).step(m);
        c.drop(m -> m.to() == 2);
        c.stabilize();
        assertEquals(Set.of(2L), c.node(1).status().confState().voters(), "node 1 applied its removal");
        assertEquals(Set.of(1L, 2L), c.node(2).status().confState().voters());
        // Node 1 crashes before handing over; it restarts outside the configuration.
        c.restart(1);
        c.heal();
        c.tickAll(100);
        assertEquals(2, c.leader(), "node 1 granted its vote: its log is no longer than node 2's");
        c.propose(2, "b");
        assertEquals(Set.of(2L), c.node(2).status().confState().voters());
    }

    @Test
    void addedNodeCatchesUpBySnapshotAfterCompaction() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        for (int i = 0; i < 10; i++) c.propose(1, "p" + i);
        c.compact(1);
        c.add(4, Cluster.config(4), new MemoryRaftStorage());
        c.node(1).proposeConfChange(learner(4));
        c.stabilize();
        c.tickAll(3);
        assertTrue(c.sentOf(MessageType.SNAPSHOT, 4).size() >= 1);
        assertEquals(c.node(1).status().confState(), c.node(4).status().confState());
        c.node(1).proposeConfChange(voter(4));
        c.stabilize();
        c.tickAll(2);
        c.propose(1, "z");
        assertEquals("z", c.applied.get(4L).get(c.applied.get(4L).size() - 1));
        assertEquals(Set.of(1L, 2L, 3L, 4L), c.node(4).status().confState().voters());
    }
}

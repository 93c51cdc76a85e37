package io.conclave.raft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LeaderTransferAndReadIndexTest {

    @Test
    void transferToUpToDateFollower() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        long term = c.term(1);
        c.node(1).transferLeadership(2);
        c.stabilize();
        assertEquals(Role.LEADER, c.role(2));
        assertEquals(Role.FOLLOWER, c.role(1));
        assertEquals(term + 1, c.term(2), "no pre-vote round, no stickiness");
        c.propose(2, "b");
    }

    @Test
    void transferToLaggingFollowerCatchesItUpFirstAndRefusesProposals() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.isolate(3);
        for (int i = 0; i < 5; i++) c.propose(1, "p" + i);
        c.node(1).transferLeadership(3);
        ProposalDroppedException e = assertThrows(ProposalDroppedException.class, () -> c.node(1).propose(new byte[1]));
        assertEquals(ProposalDroppedException.Reason.TRANSFERRING_LEADERSHIP, e.reason());
        c.heal();
        c.tickAll(2);
        assertEquals(Role.LEADER, c.role(3));
        assertEquals(c.applied.get(1L), c.applied.get(3L));
    }

    /**
     * A learner just promoted may hold the promotion entry without knowing it committed. The
     * TIMEOUT_NOW carries the commit index, so the transferee applies the promotion and then
     * campaigns instead of ignoring the request as a learner.
     */
    @Test
    void transferToAPromotedLearnerThatHasNotLearnedThePromotionCommitted() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        c.add(4, Cluster.config(4), new MemoryRaftStorage());
        c.node(1).proposeConfChange(new ConfChange(ConfChange.ConfChangeType.ADD_LEARNER, 4));
        c.stabilize();
        c.tickAll(2);
        long promotion = c.node(1).proposeConfChange(new ConfChange(ConfChange.ConfChangeType.ADD_VOTER, 4));
        // Node 4 receives the promotion entry but nothing that tells it the entry committed.
        c.drop(m -> m.to() == 4 && m.type() != MessageType.TIMEOUT_NOW && m.commit() >= promotion);
        c.stabilize();
        assertTrue(c.node(1).status().confState().voters().contains(4L), "the leader applied the promotion");
        assertTrue(c.node(4).status().confState().learners().contains(4L), "node 4 has not applied it");
        assertEquals(promotion, c.node(4).status().lastIndex());

        c.node(1).transferLeadership(4);
        c.stabilize();
        assertEquals(Role.LEADER, c.role(4));
        assertTrue(c.node(4).status().confState().voters().contains(4L));
    }

    @Test
    void transferIsAbortedAfterAnElectionTimeout() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.isolate(3);
        c.node(1).transferLeadership(3);
        assertEquals(3, c.node(1).status().leadTransferee());
        for (int i = 0; i < 11; i++) {
            c.node(1).tick();
            c.stabilize();
        }
        assertEquals(0, c.node(1).status().leadTransferee());
        assertEquals(Role.LEADER, c.role(1));
        c.propose(1, "accepted again");
    }

    @Test
    void followerForwardsTransferRequest() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.node(3).transferLeadership(3);
        c.stabilize();
        assertEquals(Role.LEADER, c.role(3));
    }

    @Test
    void readIndexOnLeaderNeedsQuorumAcknowledgement() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        long commit = c.committed(1);
        c.isolate(2);
        c.isolate(3);
        c.node(1).readIndex(Cluster.bytes("r1"));
        c.stabilize();
        assertTrue(c.readStates.get(1L).isEmpty(), "no quorum, no answer");
        c.heal();
        c.node(1).readIndex(Cluster.bytes("r2"));
        c.stabilize();
        assertEquals(2, c.readStates.get(1L).size(), "r2's quorum also confirms the earlier r1");
        ReadState rs = c.readStates.get(1L).get(1);
        assertEquals(commit, rs.index());
        assertArrayEquals(Cluster.bytes("r2"), rs.context());
    }

    @Test
    void readIndexOnFollowerIsForwardedToLeader() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        c.node(2).readIndex(Cluster.bytes("f"));
        c.stabilize();
        assertEquals(1, c.readStates.get(2L).size());
        assertEquals(c.committed(1), c.readStates.get(2L).get(0).index());
        assertTrue(c.readStates.get(1L).isEmpty());
    }

    @Test
    void singleVoterAnswersAtOnce() {
        Cluster c = Cluster.of(1);
        c.campaign(1);
        c.node(1).readIndex(Cluster.bytes("s"));
        c.processAll();
        assertEquals(1, c.readStates.get(1L).size());
    }

    @Test
    void leaderWithoutCommittedEntryOfItsTermRefuses() {
        Cluster c = Cluster.of(1, 2, 3);
        c.stabilize();
        c.drop(m -> m.type() == MessageType.APPEND_RESPONSE);
        c.campaign(1);
        c.node(1).readIndex(Cluster.bytes("early"));
        c.stabilize();
        assertTrue(c.readStates.get(1L).isEmpty());
        assertEquals(0, c.raft(1).pendingReadCount());
    }
}

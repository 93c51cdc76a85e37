package io.conclave.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PreVoteAndCheckQuorumTest {

    @Test
    void partitionedNodeRejoiningDoesNotDisruptTheLeader() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        long term = c.term(1);
        c.isolate(3);
        c.tickAll(100);
        assertEquals(term, c.term(3), "pre-vote keeps the isolated node's term");
        assertEquals(Role.PRE_CANDIDATE, c.role(3));
        c.heal();
        c.tickAll(30);
        assertEquals(Role.LEADER, c.role(1));
        assertEquals(term, c.term(1));
        assertEquals(Role.FOLLOWER, c.role(3));
        assertEquals(1, c.node(3).status().softState().leaderId());
    }

    @Test
    void rejoiningNodeWithHigherTermCannotWinAgainstStickyFollowers() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        long term = c.term(1);
        // A vote request with a higher term (as from a node without pre-vote) is ignored by a
        // follower that heard from its leader within the election timeout.
        Raft follower = c.raft(2);
        follower.step(new Message(MessageType.VOTE, 3, 2, term + 5, 100, 100, null, 0, false, 0, null, null));
        assertEquals(term, c.term(2));
        assertEquals(0, follower.msgs.stream().filter(m -> m.type() == MessageType.VOTE_RESPONSE).count());
        // With the transfer context the same request is honoured.
        follower.step(new Message(MessageType.VOTE, 3, 2, term + 5, 100, 100, null, 0, false, 0, null,
                Raft.TRANSFER_CONTEXT));
        assertEquals(term + 5, c.term(2));
    }

    @Test
    void rejectedHigherTermVoteDoesNotResetTheElectionTimer() {
        // Without pre-vote, stale candidates that time out faster must not keep resetting the
        // timer of the only replicas that could win (found by the simulation, seed 300949).
        RaftConfig noPreVote = new RaftConfig(1, 10, 1, 1 << 20, 256, RaftConfig.NO_INFLIGHT_BYTES_BOUND, 64L << 20, false,
                true, 0, 1);
        Cluster c = new Cluster(noPreVote, 1, 2, 3);
        c.campaign(1);
        c.propose(1, "a");
        c.isolate(1);
        Raft r = c.raft(2);
        for (int i = 0; i < 10; i++) r.tick(); // past the lease; not yet at its random timeout
        c.stabilize();
        int elapsed = r.electionElapsed();
        long term = r.term;
        // A candidate with a stale log (index 1) asks for a vote at a higher term.
        r.step(new Message(MessageType.VOTE, 3, 2, term + 1, 1, 1, null, 0, false, 0, null, null));
        assertEquals(term + 1, r.term);
        assertEquals(elapsed, r.electionElapsed(), "rejecting a vote keeps the timer");
        assertTrue(r.msgs.stream().anyMatch(m -> m.type() == MessageType.VOTE_RESPONSE && m.reject()));
        // Granting one resets it.
        r.msgs.clear();
        Raft up = c.raft(2);
        up.step(new Message(MessageType.VOTE, 3, 2, term + 2, 100, 100, null, 0, false, 0, null, null));
        assertEquals(0, up.electionElapsed());
    }

    @Test
    void isolatedLeaderStepsDownByCheckQuorum() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.isolate(1);
        // A leader counts peers active within one election timeout; the round in progress may
        // still carry the peers' earlier answers, so allow two.
        for (int i = 0; i < 2 * 10 + 1; i++) c.node(1).tick();
        assertEquals(Role.FOLLOWER, c.role(1));
    }

    @Test
    void preVoteWinsAndElectionFollowsWhenLeaderIsGone() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        long term = c.term(1);
        c.isolate(1);
        c.tickAll(60);
        long leader = c.leader();
        assertNotEquals(0, leader);
        assertNotEquals(1, leader);
        assertEquals(term + 1, c.term(leader), "one successful pre-vote, one term bump");
    }

    @Test
    void electionTimeoutsAreRandomizedInRange() {
        Raft r = Cluster.of(1, 2, 3).raft(1);
        for (int i = 0; i < 50; i++) {
            r.becomeFollower(r.term + 1, 0);
            int t = r.randomizedElectionTimeout();
            assertTrue(t >= 10 && t < 20, "timeout " + t);
        }
    }

    @Test
    void staleLeaderLearnsNewTermFromResponse() {
        Cluster c = Cluster.of(1, 2, 3);
        c.campaign(1);
        c.isolate(1);
        c.tickAll(60);
        long leader = c.leader();
        assertNotEquals(1, leader);
        // Old leader still thinks it leads until check-quorum; heal and its heartbeat gets a
        // response with the newer term, so it steps down.
        c.heal();
        c.tickAll(5);
        assertEquals(Role.FOLLOWER, c.role(1));
        assertEquals(c.term(leader), c.term(1));
    }
}

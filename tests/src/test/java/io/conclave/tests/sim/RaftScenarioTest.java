package io.conclave.tests.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfChange.ConfChangeType;
import io.conclave.raft.Message;
import io.conclave.raft.MessageType;
import io.conclave.raft.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Targeted membership scenarios on the simulated group, with every safety check of the random
 * simulation running underneath. Each uses a fixed seed; the seed only shapes election timeouts
 * and message delays, since these scenarios switch network faults off.
 */
class RaftScenarioTest {
    private static final long SEED = 7;
    /** Generous bound for anything that should take a few election timeouts. */
    private static final long SETTLE_STEPS = 4_000;

    @Test
    void learnerAddedAfterCompactionCatchesUpBySnapshotAndThenVotes() {
        SimCluster cluster = new SimCluster(SimOptions.calm(3, 1).withMaxSizePerMsgBytes(256), SEED);
        guard(cluster, () -> {
            long leader = awaitLeader(cluster);
            long lastCommand = 0;
            for (int i = 0; i < 60; i++) lastCommand = proposeAndAwaitOnAll(cluster, List.of(1L, 2L, 3L), 16);
            long index = cluster.appliedIndexOf(lastCommand);
            for (long id = 1; id <= 3; id++) cluster.compact(id);
            for (long id = 1; id <= 3; id++) {
                assertEquals(index + 1, cluster.node(id).disk.firstIndex(), "node " + id + " log compacted");
            }

            leader = awaitLeader(cluster);
            assertTrue(cluster.proposeConfChange(leader, new ConfChange(ConfChangeType.ADD_LEARNER, 4)));
            assertTrue(cluster.runUntil(() -> cluster.appliedAt(4, index), SETTLE_STEPS),
                    "learner 4 did not catch up to index " + index);
            assertTrue(cluster.snapshotsDelivered() > 0, "learner caught up without a snapshot");
            assertTrue(cluster.node(4).disk.snapshotIndex() >= index, "learner's log does not start at a snapshot");
            assertTrue(cluster.node(4).disk.applied().confState().learners().contains(4L));

            leader = awaitLeader(cluster);
            assertTrue(cluster.proposeConfChange(leader, new ConfChange(ConfChangeType.ADD_VOTER, 4)));
            assertTrue(cluster.runUntil(() -> cluster.node(4).disk.applied().confState().voters().contains(4L),
                    SETTLE_STEPS), "node 4 never applied its promotion");

            // With 4 voters the quorum is 3: once one old voter is down, nothing commits unless
            // node 4's acknowledgements count, and once two are down, no election succeeds unless
            // node 4's vote counts.
            long stopped = leader == 1 ? 2 : 1;
            cluster.crash(stopped, "by the test");
            proposeAndAwaitOnAll(cluster, liveOf(cluster, List.of(1L, 2L, 3L, 4L)), 16);
            long secondStopped = 0;
            for (long id = 1; id <= 3; id++) if (id != stopped && secondStopped == 0) secondStopped = id;
            cluster.crash(secondStopped, "by the test");
            cluster.runTicks(5L * cluster.options().electionTicks());
            SimNode stuck = cluster.leader();
            assertTrue(stuck == null || stuck.term() == cluster.checker().highestLeaderTerm(),
                    "a new leader was elected without a quorum");
            cluster.restart(stopped);
            proposeAndAwaitOnAll(cluster, liveOf(cluster, List.of(1L, 2L, 3L, 4L)), 16);
            cluster.checkLogsMatchNow();
        });
    }

    @Test
    void removedNodeDoesNotDisruptTheGroup() {
        SimCluster cluster = new SimCluster(SimOptions.calm(3, 0), SEED);
        guard(cluster, () -> {
            long leader = awaitLeader(cluster);
            proposeAndAwaitOnAll(cluster, List.of(1L, 2L, 3L), 8);
            long removedId = leader == 3 ? 2 : 3;
            long otherId = 6 - leader - removedId;

            // The removed node never hears of its removal: it still believes it is a voter.
            cluster.network().isolate(removedId);
            assertTrue(cluster.proposeConfChange(leader, new ConfChange(ConfChangeType.REMOVE_NODE, removedId)));
            assertTrue(cluster.runUntil(() -> !cluster.node(otherId).disk.applied().confState().voters()
                    .contains(removedId) && !cluster.node(leader).disk.applied().confState().voters()
                    .contains(removedId), SETTLE_STEPS), "removal not applied");
            assertTrue(cluster.node(removedId).disk.applied().confState().voters().contains(removedId));

            cluster.network().heal();
            long term = cluster.node(leader).term();
            for (int round = 0; round < 10; round++) {
                if (cluster.node(removedId).live()) cluster.campaign(removedId);
                cluster.runTicks(3L * cluster.options().electionTicks());
            }
            SimNode stillLeader = cluster.leader();
            assertNotNull(stillLeader, "no leader after the removed node campaigned");
            assertEquals(leader, stillLeader.id, "the removed node disrupted leadership");
            assertEquals(term, stillLeader.term(), "the removed node forced a new term");
            proposeAndAwaitOnAll(cluster, List.of(leader, otherId), 8);

            // Its votes are ignored: with the leader cut off, the remaining voter needs the old
            // leader's vote; granting votes from the removed node must not make it leader.
            cluster.network().isolate(leader);
            int forged = 0;
            for (int round = 0; round < 20; round++) {
                cluster.runTicks(cluster.options().electionTicks());
                SimNode candidate = cluster.node(otherId);
                Role role = candidate.raft().status().softState().role();
                long candidateTerm = candidate.raft().status().hardState().term();
                if (role == Role.PRE_CANDIDATE) {
                    cluster.deliverNow(grant(MessageType.PRE_VOTE_RESPONSE, removedId, otherId, candidateTerm + 1));
                    forged++;
                } else if (role == Role.CANDIDATE) {
                    cluster.deliverNow(grant(MessageType.VOTE_RESPONSE, removedId, otherId, candidateTerm));
                    forged++;
                }
                cluster.runSteps(1);
                assertFalse(cluster.node(otherId).isLeader(),
                        "node " + otherId + " became leader with the vote of removed node " + removedId);
            }
            assertTrue(forged > 0, "node " + otherId + " never campaigned, so no vote was forged");
            cluster.network().heal();
            proposeAndAwaitOnAll(cluster, List.of(leader, otherId), 8);
        });
    }

    @Test
    void minorityLeaderCommitsNothingAndItsEntriesAreDiscardedOnHeal() {
        SimCluster cluster = new SimCluster(SimOptions.calm(5, 0), SEED);
        guard(cluster, () -> {
            List<Long> all = List.of(1L, 2L, 3L, 4L, 5L);
            long oldLeader = awaitLeader(cluster);
            proposeAndAwaitOnAll(cluster, all, 8);
            long partner = oldLeader == 1 ? 2 : 1;
            cluster.network().split(List.of(oldLeader, partner));

            // The deposed side still accepts proposals until check-quorum makes it step down.
            List<Long> stranded = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long commandId = cluster.propose(oldLeader, 8);
                if (commandId != 0) stranded.add(commandId);
            }
            assertFalse(stranded.isEmpty(), "the old leader refused every proposal at once");
            assertTrue(cluster.runUntil(() -> cluster.leader() != null && cluster.leader().id != oldLeader
                    && cluster.leader().id != partner, SETTLE_STEPS), "the majority elected no leader");
            List<Long> majority = all.stream().filter(id -> id != oldLeader && id != partner).toList();
            proposeAndAwaitOnAll(cluster, majority, 8);
            cluster.runTicks(3L * cluster.options().electionTicks());
            assertFalse(cluster.node(oldLeader).isLeader(), "an isolated leader kept leading past check-quorum");

            cluster.network().heal();
            proposeAndAwaitOnAll(cluster, all, 8);
            for (long commandId : stranded) {
                assertEquals(0, cluster.appliedIndexOf(commandId),
                        "command " + commandId + " proposed to a minority leader was applied");
            }
            cluster.checkLogsMatchNow();
        });
    }

    @Test
    void leaderThatRemovesItselfHandsOverAndStaysOut() {
        SimCluster cluster = new SimCluster(SimOptions.calm(3, 0), SEED);
        guard(cluster, () -> {
            long leader = awaitLeader(cluster);
            proposeAndAwaitOnAll(cluster, List.of(1L, 2L, 3L), 8);
            List<Long> remaining = List.of(1L, 2L, 3L).stream().filter(id -> id != leader).toList();
            assertTrue(cluster.proposeConfChange(leader, new ConfChange(ConfChangeType.REMOVE_NODE, leader)));
            assertTrue(cluster.runUntil(() -> remaining.stream().allMatch(id -> !cluster.node(id).disk.applied()
                    .confState().voters().contains(leader)), SETTLE_STEPS), "removal of the leader not applied");
            // The removed leader keeps running: a remaining voter must lead, and keep leading.
            assertTrue(cluster.runUntil(() -> cluster.leader() != null && remaining.contains(cluster.leader().id),
                    SETTLE_STEPS), "no remaining voter took over from the removed leader");
            long successor = cluster.leader().id;
            long term = cluster.leader().term();
            proposeAndAwaitOnAll(cluster, remaining, 8);
            cluster.runTicks(10L * cluster.options().electionTicks());
            assertEquals(successor, cluster.leader().id, "the removed leader disrupted its successor");
            assertEquals(term, cluster.leader().term(), "the removed leader forced a new term");
        });
    }

    // ---- helpers ----

    private static Message grant(MessageType type, long from, long to, long term) {
        return new Message(type, from, to, term, 0, 0, null, 0, false, 0, null, null);
    }

    private static long awaitLeader(SimCluster cluster) {
        assertTrue(cluster.runUntil(() -> cluster.leader() != null, SETTLE_STEPS), "no leader elected");
        return cluster.leader().id;
    }

    /** Proposes one command (retrying at the current leader) and waits until all {@code nodes} apply it. */
    private static long proposeAndAwaitOnAll(SimCluster cluster, List<Long> nodes, int paddingBytes) {
        long[] commandId = {0};
        boolean done = cluster.runUntil(() -> {
            if (commandId[0] == 0 && cluster.leader() != null) {
                commandId[0] = cluster.propose(cluster.leader().id, paddingBytes);
            }
            long index = cluster.appliedIndexOf(commandId[0]);
            if (commandId[0] == 0 || index == 0) return false;
            for (long id : nodes) if (!cluster.appliedAt(id, index)) return false;
            return true;
        }, SETTLE_STEPS);
        assertTrue(done, "command " + commandId[0] + " not applied on " + nodes);
        return commandId[0];
    }

    private static List<Long> liveOf(SimCluster cluster, List<Long> ids) {
        return ids.stream().filter(id -> cluster.node(id).live()).toList();
    }

    private static void guard(SimCluster cluster, Runnable scenario) {
        try {
            scenario.run();
        } catch (RuntimeException | AssertionError e) {
            fail("scenario failed: " + e + "\nlast events:\n" + cluster.trace().dump(), e);
        }
    }
}

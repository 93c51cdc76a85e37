package io.conclave.range.multiraft;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.rpc.AddReplica;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.RemoveReplica;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node removed from a range and added back, which its leader catches up by appends (no
 * snapshot), is again the holder of that range's span on the node: a request that names no
 * range finds it. Found by the range simulation (seed 133): the revived replica was left out of
 * the node's span index, so such requests were answered RANGE_NOT_FOUND for good, and a
 * snapshot overlapping its span would not have been refused. A victim that never learns its
 * removal committed (the leader sends nothing more to a non-member) is destroyed by replica GC
 * instead and comes back by snapshot; either way it must hold its span again.
 */
class ReaddedReplicaTest {
    @TempDir
    Path dir;

    @Test
    void aReplicaAddedBackByAppendsHoldsItsSpanAgain() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults(), 1)) {
            // The membership changes go to the node that leads range 2 and holds its lease.
            long leader = cluster.awaitLeaseholder(2, "\u0010a".getBytes(UTF_8));
            long victim = leader == 3 ? 2 : 3;
            removeAndAddBack(cluster, leader, victim);
            assertHoldsItsSpan(cluster, victim);
        }
    }

    /**
     * Down while it was removed and added back, the node applies both changes in its catch-up
     * at restart. Found by the range simulation (seed 133 after the fix above): when both
     * applied in one Ready, the replica stayed marked removed (and out of the index) although
     * its configuration counted it again. Here threads decide whether they apply together; the
     * simulation's seed 133 (RangeSimTest#seedsThatFoundBugs) replays that case exactly.
     */
    @Test
    void aReplicaThatAppliesItsRemovalAndItsReturnInOneCatchUpIsAMemberAgain() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults(), 1)) {
            // The membership changes go to the node that leads range 2 and holds its lease.
            long leader = cluster.awaitLeaseholder(2, "\u0010a".getBytes(UTF_8));
            long victim = leader == 3 ? 2 : 3;
            cluster.crash(victim);
            removeAndAddBack(cluster, leader, victim);
            cluster.restart(victim);
            assertHoldsItsSpan(cluster, victim);
        }
    }

    /**
     * A membership change the configuration cannot take (a voter added as a learner: the
     * caller's view was stale) is answered BAD_REQUEST. Found by the range simulation (seed 3117):
     * Raft's refusal escaped the scheduler and stopped the leader's node.
     */
    @Test
    void aVoterAddedAsALearnerIsABadRequestAndTheLeaderGoesOn() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults(), 1)) {
            long leader = cluster.awaitLeaseholder(2, "\u0010a".getBytes(UTF_8));
            long voter = leader == 3 ? 2 : 3;
            RangeReply refused = cluster.admin(leader, AdminRequest.newBuilder().setAddReplica(
                    AddReplica.newBuilder().setGroupId(2).setNodeId(voter).setLearner(true)).build());
            assertEquals(ErrorResponse.Code.BAD_REQUEST, RangeRequestsTest.code(refused), refused.toString());
            assertTrue(cluster.fatal.isEmpty(), "no node stopped: " + cluster.fatal);
            RangeReply put = cluster.put(leader, "\u0010b".getBytes(UTF_8), new byte[] {1});
            assertTrue(put.hasKvResponse(), put.toString());
        }
    }

    private static void removeAndAddBack(LocalCluster cluster, long leader, long victim) throws Exception {
        RangeReply removed = cluster.admin(leader, AdminRequest.newBuilder().setRemoveReplica(
                RemoveReplica.newBuilder().setGroupId(2).setNodeId(victim)).build());
        assertTrue(removed.hasAdminResponse(), removed.toString());
        if (cluster.alive(victim)) {
            // Applied, or (never told it committed) destroyed by replica GC: either way no replica.
            LocalCluster.await("node " + victim + " to apply its removal or destroy its replica", () -> cluster
                    .statuses(victim).stream().noneMatch(g -> g.getGroupId() == 2 && g.hasRangeDescriptor()));
        }
        RangeReply added = cluster.admin(leader, AdminRequest.newBuilder().setAddReplica(
                AddReplica.newBuilder().setGroupId(2).setNodeId(victim)).build());
        assertTrue(added.hasAdminResponse(), added.toString());
    }

    private static void assertHoldsItsSpan(LocalCluster cluster, long victim) throws Exception {
        LocalCluster.await("node " + victim + " to apply its return", () -> {
            for (GroupStatus g : cluster.statuses(victim)) {
                if (g.getGroupId() == 2 && g.getVotersList().contains(victim)) return true;
            }
            return false;
        });
        // Range id 0: the node picks its replica whose span holds the key. It is not the
        // leaseholder, so the answer must send the client on, not say it has no such range.
        RangeReply reply = cluster.kv(victim, RangeRequestsTest.get(0, new byte[] {0x10, 'a'}));
        assertEquals(ErrorResponse.Code.NOT_LEASEHOLDER, RangeRequestsTest.code(reply), reply.toString());
    }
}

package io.conclave.range.multiraft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.raft.Message;
import io.conclave.raft.MessageType;
import io.conclave.range.Keys;
import io.conclave.range.rpc.AddReplica;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.RaftBatch;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.RemoveReplica;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replica GC: a node removed from a range while it was down restarts with the range's old, wide
 * descriptor. Before replica GC that replica campaigned in vain for ever and refused, for ever,
 * the snapshot of a range split off its span since, to which the node had been added (the range
 * simulation's seed 108). Now a member answers its campaign with a removal notice, the node
 * destroys the replica (leaving a tombstone), and the snapshot installs.
 */
class ReplicaGcTest {
    private static final byte[] LEFT_KEY = {0x10, 'a'};
    private static final byte[] SPLIT_KEY = {(byte) 0x80};
    private static final byte[] RIGHT_KEY = {(byte) 0x90, 'b'};
    private static final long RIGHT = 50;

    @TempDir
    Path dir;

    @Test
    void aReplicaRemovedWhileItsNodeWasDownIsDestroyedAndTheNodeGetsTheSplitOffRangeBySnapshot() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults(), 1)) {
            long holder = cluster.awaitLeaseholder(2, LEFT_KEY); // writes LEFT_KEY there
            long victim = holder == 3 ? 2 : 3;
            LocalCluster.await("node " + victim + " to store the first write",
                    () -> Arrays.equals(LEFT_KEY, cluster.storedValue(victim, LEFT_KEY)));
            removeWhileDownSplitAndAddTheRightHalf(cluster, holder, victim);
            awaitRightHalfAndNoStaleReplica(cluster, victim);
            assertEquals(1, cluster.schedulers.get(victim).events().replicasDestroyed(),
                    "the stale replica of range 2 was destroyed once");
            assertArrayEquals(RIGHT_KEY, cluster.storedValue(victim, RIGHT_KEY), "the right half came by snapshot");
            // Nothing else of this node overlapped the stale span, so its data went with it.
            assertNull(cluster.storedValue(victim, LEFT_KEY), "the destroyed replica's data is gone");

            // A restart loads the tombstone and no descriptor: the stale replica does not come back.
            cluster.crash(victim);
            cluster.restart(victim);
            awaitRightHalfAndNoStaleReplica(cluster, victim);
            assertEquals(0, cluster.schedulers.get(victim).events().replicasDestroyed(), "nothing to destroy again");
            assertNoVoteWithoutItsLog(cluster, victim, holder);
        }
    }

    /**
     * The same with a learner: it never campaigns, so no member would ever hear from it. The
     * snapshot it refuses makes it ask its range's members (a probe), and a member answers.
     */
    @Test
    void aLearnerRemovedWhileItsNodeWasDownProbesAndIsDestroyed() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults(), 1)) {
            long holder = cluster.awaitLeaseholder(2, LEFT_KEY);
            long victim = holder == 3 ? 2 : 3;
            adminAtLeader(cluster, AdminRequest.newBuilder().setRemoveReplica(
                    RemoveReplica.newBuilder().setGroupId(2).setNodeId(victim)).build());
            adminAtLeader(cluster, AdminRequest.newBuilder().setAddReplica(
                    AddReplica.newBuilder().setGroupId(2).setNodeId(victim).setLearner(true)).build());
            LocalCluster.await("node " + victim + " to hold range 2 as a learner, with the first write", () -> {
                for (GroupStatus g : cluster.statuses(victim)) {
                    if (g.getGroupId() == 2 && g.getLearnersList().contains(victim)) {
                        return Arrays.equals(LEFT_KEY, cluster.storedValue(victim, LEFT_KEY));
                    }
                }
                return false;
            });
            removeWhileDownSplitAndAddTheRightHalf(cluster, holder, victim);
            awaitRightHalfAndNoStaleReplica(cluster, victim);
            assertEquals(1, cluster.schedulers.get(victim).events().replicasDestroyed(),
                    "the stale learner of range 2 was destroyed once");
        }
    }

    /**
     * While {@code victim} is down: its replica of range 2 is removed, range 2 splits, and the
     * victim is added to the right half, which takes a write; then the victim restarts, with its
     * stale replica of the whole span.
     */
    private static void removeWhileDownSplitAndAddTheRightHalf(LocalCluster cluster, long holder, long victim)
            throws Exception {
        cluster.crash(victim);
        adminAtLeader(cluster, AdminRequest.newBuilder().setRemoveReplica(
                RemoveReplica.newBuilder().setGroupId(2).setNodeId(victim)).build());
        long generation = cluster.status(holder, 2).getRangeDescriptor().getGeneration();
        RangeReply split = SplitTest.split(cluster, 2, SPLIT_KEY, RIGHT, generation);
        assertTrue(split.hasAdminResponse(), split.toString());
        adminAtLeader(cluster, AdminRequest.newBuilder().setAddReplica(
                AddReplica.newBuilder().setGroupId(RIGHT).setNodeId(victim)).build());
        RangeReply put = SplitTest.send(cluster, SplitTest.put(RIGHT_KEY, RIGHT_KEY));
        assertTrue(put.hasKvResponse(), put.toString());
        cluster.restart(victim);
    }

    /**
     * The destroyed replica's term and vote were kept, and its node does not vote for the range
     * (its log, with entries it acknowledged, is gone) until a newer snapshot fills it: a vote
     * request of a much higher term, from a member, leaves no trace.
     */
    private static void assertNoVoteWithoutItsLog(LocalCluster cluster, long victim, long candidate) throws Exception {
        long keptTerm = cluster.stores.get(victim).group(2).hardState().term();
        assertTrue(keptTerm >= Scheduler.RAFT_INIT_TERM, "range 2's term survived its destruction: " + keptTerm);
        long term = keptTerm + 100;
        RaftBatch.Builder batch = RaftBatch.newBuilder();
        for (MessageType type : new MessageType[] {MessageType.PRE_VOTE, MessageType.VOTE}) {
            batch.addMessages(RaftCodec.encode(2, new Message(type, candidate, victim, term, term, 1_000_000, null, 0,
                    false, 0, null, null)));
        }
        cluster.schedulers.get(victim).receiveRaft(candidate, batch.build());
        // The inbox is first in, first out: the status request is answered after the votes were handled.
        for (GroupStatus g : cluster.statuses(victim)) {
            assertTrue(g.getGroupId() != 2 || g.getTerm() < term, "node " + victim + " took part in an election: " + g);
        }
        assertEquals(keptTerm, cluster.stores.get(victim).group(2).hardState().term(), "range 2's term is unchanged");
    }

    /** The victim serves the right range's span and holds no initialized replica of range 2. */
    private static void awaitRightHalfAndNoStaleReplica(LocalCluster cluster, long victim) throws Exception {
        LocalCluster.await("node " + victim + " to hold range " + RIGHT + " and no replica of range 2", () -> {
            boolean right = false;
            for (GroupStatus g : cluster.statuses(victim)) {
                if (g.getGroupId() == 2 && g.hasRangeDescriptor()) return false;
                if (g.getGroupId() == RIGHT && g.hasRangeDescriptor() && g.getVotersList().contains(victim)) right = true;
            }
            return right;
        });
        // A replica shows as initialized once its snapshot is applied in memory; the store has it
        // (and the destruction batched before it) once that batch is durable.
        LocalCluster.await("node " + victim + " to store the right half, a tombstone and no descriptor of range 2",
                () -> cluster.storedValue(victim, RIGHT_KEY) != null
                        && cluster.stores.get(victim).get(Keys.rangeTombstoneKey(2)).isPresent()
                        && cluster.stores.get(victim).get(Keys.rangeDescriptorKey(2)).isEmpty());
        // Range id 0: the node routes by its span index. The right half is a replica here (not the
        // leaseholder); the left half's keys are no range's here any more.
        RangeReply right = cluster.kv(victim, RangeRequestsTest.get(0, RIGHT_KEY));
        assertEquals(ErrorResponse.Code.NOT_LEASEHOLDER, RangeRequestsTest.code(right), right.toString());
        RangeReply left = cluster.kv(victim, RangeRequestsTest.get(0, LEFT_KEY));
        assertEquals(ErrorResponse.Code.RANGE_NOT_FOUND, RangeRequestsTest.code(left), left.toString());
    }

    /** Sends a membership change to each live node in turn until the range's leader takes it. */
    private static void adminAtLeader(LocalCluster cluster, AdminRequest request) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LocalCluster.WAIT_SECONDS);
        RangeReply last = null;
        while (System.nanoTime() < deadline) {
            for (long id : cluster.nodeIds()) {
                if (!cluster.alive(id)) continue;
                last = cluster.admin(id, request);
                if (last.hasAdminResponse()) return;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new AssertionError("no node took " + request + "; last answer " + last);
    }
}

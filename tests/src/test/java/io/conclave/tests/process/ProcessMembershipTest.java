package io.conclave.tests.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.range.rpc.GroupStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership changes on real processes: a node that joins late catches up from a snapshot because
 * the log it missed is already truncated, and a removed node no longer counts towards quorums.
 */
final class ProcessMembershipTest {
    static final long GROUP = 2;
    /** A small truncation threshold so the log is compacted long before the late node joins. */
    static final int TRUNCATE_AFTER_ENTRIES = 50;
    static final int EARLY_PUTS = 4 * TRUNCATE_AFTER_ENTRIES;
    static final int LATER_PUTS = 40;
    static final long WAIT_MILLIS = 30_000;

    private ProcessCluster cluster;
    private ClusterKv client;
    private final Map<String, String> acknowledged = new TreeMap<>();

    @AfterEach
    void stopEverything() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void lateNodeCatchesUpBySnapshotAndRemovedNodeStopsCounting(@TempDir Path dir) throws Exception {
        cluster = new ProcessCluster(dir, JvmSettings.forTests(), "members", 4, 3,
                List.of("--initial-ranges", "1", "--log-truncate-entries", Integer.toString(TRUNCATE_AFTER_ENTRIES),
                        // The allocator would promote the learner and trim the fourth voter on its own.
                        "--maintenance", "false"));
        cluster.start(1, 2, 3, 4);
        client = KvClientAdapter.connect(cluster);
        List<NodeProcess> voters = List.of(cluster.node(1), cluster.node(2), cluster.node(3));

        // Every voter applies 4x the threshold, so each has truncated its log at least once before node 4 exists
        // in the group: entries 1..50 can reach node 4 only inside a snapshot.
        putAll("early", EARLY_PUTS);
        CatchUp.await(client, cluster, voters, 1, WAIT_MILLIS, "before adding node 4");

        client.addReplica(GROUP, 4, true);
        List<NodeProcess> withLearner = List.of(cluster.node(1), cluster.node(2), cluster.node(3), cluster.node(4));
        CatchUp.await(client, cluster, withLearner, 1, WAIT_MILLIS, "learner node 4 catching up");
        awaitMembers(withLearner, Set.of(1L, 2L, 3L), Set.of(4L));

        client.addReplica(GROUP, 4, false);
        awaitMembers(withLearner, Set.of(1L, 2L, 3L, 4L), Set.of());
        putAll("voter4", LATER_PUTS);

        client.removeReplica(GROUP, 3);
        GroupStatus afterRemove = awaitMembers(List.of(cluster.node(1), cluster.node(2), cluster.node(4)),
                Set.of(1L, 2L, 4L), Set.of());
        long leader = afterRemove.getLeader();

        // With node 3 removed the voters are {1, 2, 4}: two of them are a quorum. Were node 3 still a voter,
        // killing it and one more would leave 2 of 4, and no write could commit.
        long follower = leader == 1 ? 2 : 1;
        cluster.node(3).kill();
        cluster.node(follower).kill();
        putAll("after-remove", LATER_PUTS);

        cluster.node(follower).start(ProcessCluster.READY_TIMEOUT);
        List<NodeProcess> remaining = List.of(cluster.node(1), cluster.node(2), cluster.node(4));
        CatchUp.await(client, cluster, remaining, 1, WAIT_MILLIS, "after removing node 3");
        client.close();
        client = null;
        cluster.killAllQuietly();
        checkStores(remaining);
    }

    private void checkStores(List<NodeProcess> nodes) {
        List<ReplicaCheck.GroupImage> replicas = new ArrayList<>();
        for (NodeProcess n : nodes) replicas.add(ReplicaCheck.read(n.nodeId(), n.storeDir(), GROUP));
        assertNull(ReplicaCheck.compareLogs(replicas));
        assertNull(ReplicaCheck.compareData(replicas));
        assertEquals(List.of(), ReplicaCheck.missingAcknowledged(acknowledged, Map.of(GROUP, replicas), 1, 20));
        assertEquals(List.of(), ReplicaCheck.unexpected(acknowledged, Map.of(GROUP, replicas), 20));
        for (ReplicaCheck.GroupImage r : replicas) {
            assertTrue(r.firstIndex() > TRUNCATE_AFTER_ENTRIES, () -> "node " + r.nodeId()
                    + " never truncated its log: first index " + r.firstIndex());
        }
        ReplicaCheck.GroupImage late = replicas.stream().filter(r -> r.nodeId() == 4).findFirst().orElseThrow();
        System.out.println("[process] node 4 log starts at " + late.firstIndex() + ", applied " + late.applied()
                + ", holds " + late.data().size() + " keys; " + acknowledged.size() + " writes acknowledged");
    }

    /** Single-threaded writes; each must be acknowledged, since a quorum is up throughout. */
    private void putAll(String prefix, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            String key = String.format("%s-%04d", prefix, i);
            String value = "v-" + key;
            client.put(key, value);
            acknowledged.put(key, value);
        }
    }

    /**
     * Waits until a node that leads the group reports exactly these voters and learners. A node
     * asked right after a membership change may still lead in an old term, or lead without having
     * applied the change yet, so one look is not enough.
     */
    private GroupStatus awaitMembers(List<NodeProcess> nodes, Set<Long> voters, Set<Long> learners)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        String last = "no leader seen";
        while (System.nanoTime() < deadline) {
            for (NodeProcess n : nodes) {
                GroupStatus g;
                try {
                    g = CatchUp.groupOn(client, n.address(), GROUP);
                } catch (Exception e) {
                    continue;
                }
                if (g == null || g.getLeader() != n.nodeId()) continue;
                Set<Long> seenVoters = new TreeSet<>(g.getVotersList());
                Set<Long> seenLearners = new TreeSet<>(g.getLearnersList());
                if (seenVoters.equals(voters) && seenLearners.equals(learners)) return g;
                last = "leader " + n.nodeId() + " reports voters " + seenVoters + " learners " + seenLearners;
            }
            Thread.sleep(CatchUp.POLL_MILLIS);
        }
        fail("members never became voters " + voters + " learners " + learners + ": " + last + "\n" + cluster.logTails(30));
        return null;
    }
}

package io.conclave.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.node.cluster.ClusterException;
import io.conclave.node.cluster.NodeRpc;
import io.conclave.node.rpc.FaultState;
import io.conclave.node.rpc.NodeRequest;
import io.conclave.node.rpc.SetFaults;
import io.conclave.range.client.RangeClient;
import io.conclave.range.multiraft.SchedulerSettings;
import io.conclave.range.rpc.GroupStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SetFaults node request on real in-JVM nodes: refused without the flag; with it, a partition that cuts. */
final class NodeFaultRulesTest {
    static final long RANGE = 2;
    static final Duration RPC_TIMEOUT = Duration.ofSeconds(5);

    private static FaultState set(TestCluster c, long node, SetFaults rules) {
        return NodeRpc.call(c.hostPort(node), NodeRequest.newBuilder().setFaults(rules).build(), RPC_TIMEOUT)
                .getFaults();
    }

    @Test
    void aNodeStartedWithoutTheFlagRefusesFaultRules(@TempDir Path dir) throws Exception {
        try (TestCluster c = new TestCluster(dir, 1, SchedulerSettings.defaults())) {
            ClusterException e = assertThrows(ClusterException.class,
                    () -> set(c, 1, SetFaults.newBuilder().addIsolatedFrom(2).build()));
            assertTrue(e.getMessage().contains("was not started with --testing-fault-injection"), e.getMessage());
        }
    }

    @Test
    void anIsolatedLeaderLosesItsRangeToTheMajorityAndCatchesUpWhenHealed(@TempDir Path dir) throws Exception {
        try (TestCluster c = new TestCluster(dir, 3, SchedulerSettings.defaults(), 1, true);
                RangeClient client = c.client(1, 2, 3)) {
            byte[] before = key("before");
            TestCluster.await("a first write", () -> {
                client.put(before, before);
                return true;
            });
            long leader = leaderOf(c, client);
            List<Long> others = new ArrayList<>(List.of(1L, 2L, 3L));
            others.remove(leader);
            FaultState cut = set(c, leader, SetFaults.newBuilder().addAllIsolatedFrom(others).build());
            assertEquals(others.stream().sorted().toList(), cut.getIsolatedFromList());
            for (long o : others) set(c, o, SetFaults.newBuilder().addIsolatedFrom(leader).build());

            // The majority elects one of its own, and serves writes without the old leader.
            TestCluster.await("a leader among " + others, () -> {
                GroupStatus s = c.status(client, others.get(0), RANGE);
                return s != null && others.contains(s.getLeader());
            });
            byte[] during = key("during");
            TestCluster.await("a write to the majority", () -> {
                client.put(during, during);
                return true;
            });
            assertTrue(c.faults.get(leader).state().getDroppedFrames() > 0, "the cut node dropped no frame");

            for (long n : List.of(1L, 2L, 3L)) set(c, n, SetFaults.getDefaultInstance());
            // Healed: the old leader follows the new one and holds the write it missed.
            TestCluster.await("node " + leader + " caught up", () -> {
                GroupStatus s = c.status(client, leader, RANGE);
                GroupStatus m = c.status(client, others.get(0), RANGE);
                return s != null && m != null && s.getLeader() == m.getLeader() && s.getApplied() >= m.getCommit();
            });
            assertArrayEquals(during, client.get(during).orElseThrow());
        }
    }

    private static long leaderOf(TestCluster c, RangeClient client) {
        long[] leader = {0};
        TestCluster.await("a leader of range " + RANGE, () -> {
            GroupStatus s = c.status(client, 1, RANGE);
            leader[0] = s == null ? 0 : s.getLeader();
            return leader[0] != 0;
        });
        return leader[0];
    }

    private static byte[] key(String name) {
        return ("\u0004fault-" + name).getBytes(StandardCharsets.ISO_8859_1);
    }
}

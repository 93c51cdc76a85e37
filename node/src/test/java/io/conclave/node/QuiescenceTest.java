package io.conclave.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.client.RangeClient;
import io.conclave.range.multiraft.SchedulerSettings;
import io.conclave.range.rpc.GroupStatus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuiescenceTest {
    private static final int GROUPS = 40;

    @TempDir
    Path dir;

    private static boolean allQuiet(TestCluster cluster, RangeClient client) {
        for (long id : cluster.nodes.keySet()) {
            List<GroupStatus> st = cluster.statuses(client, id);
            if (st.size() < GROUPS || !st.stream().allMatch(GroupStatus::getQuiesced)) return false;
        }
        return true;
    }

    @Test
    void idleGroupsGoQuietWakeOnWritesAndSurviveTheirLeadersDeath() throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3, SchedulerSettings.defaults(), GROUPS - 1);
                RangeClient client = cluster.client(1, 2, 3)) {
            cluster.awaitLeader(client, GROUPS);
            TestCluster.await("every group quiesced on every node", () -> allQuiet(cluster, client));
            long ticksBefore = cluster.nodes.get(1L).schedulerStats().messagesSent();

            for (int i = 0; i < 100; i++) client.put(("k" + i).getBytes(UTF_8), ("v" + i).getBytes(UTF_8));
            TestCluster.await("quiet again after the writes", () -> allQuiet(cluster, client));
            assertTrue(cluster.nodes.get(1L).schedulerStats().messagesSent() > ticksBefore, "the writes woke groups");

            cluster.stop(1);
            try (RangeClient survivors = cluster.client(2, 3)) {
                TestCluster.await("a live leader for every group", () -> {
                    for (GroupStatus g : cluster.statuses(survivors, 2)) {
                        if (g.getLeader() == 0 || g.getLeader() == 1) return false;
                    }
                    return true;
                });
                for (int i = 0; i < 100; i++) {
                    assertArrayEquals(("v" + i).getBytes(UTF_8), survivors.get(("k" + i).getBytes(UTF_8)).orElseThrow());
                }
            }
        }
    }
}

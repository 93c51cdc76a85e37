package io.conclave.tests.ranges;

import static io.conclave.tests.ranges.RangeTests.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.StatusRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node removed from a range and added back must catch up again: the allocator does exactly this
 * when it rebalances onto a node, gives up on it, and later picks it to replace a dead replica.
 * Four node JVMs with the maintenance loop off, so the test alone changes membership.
 */
final class ReaddReplicaProcessTest {
    static final long RANGE = 2;
    static final long NODE = 4;
    static final int KEYS = 30;
    /** A learner's snapshot of a few dozen keys takes well under a second on an idle machine. */
    static final long CATCH_UP_BOUND_MILLIS = 20_000;

    private RangeTestCluster cluster;
    private RangeClient client;

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void aRemovedReplicaAddedBackCatchesUp(@TempDir Path dir) throws Exception {
        cluster = new RangeTestCluster(dir, "readd", 4, 3, List.of("--initial-ranges", "1", "--maintenance", "false"));
        cluster.start(1, 2, 3, 4);
        client = cluster.client(RangeTestCluster.FAULT_TOLERANT_CLIENT, 1);
        for (int i = 0; i < KEYS; i++) RangeTests.putOwnKey(client, utf8("first-" + i), utf8("v" + i));

        client.addReplica(RANGE, NODE, cluster.address(NODE), true);
        awaitCaughtUp("the first add");
        client.removeReplica(RANGE, NODE);
        for (int i = 0; i < KEYS; i++) RangeTests.putOwnKey(client, utf8("second-" + i), utf8("v" + i));

        client.addReplica(RANGE, NODE, cluster.address(NODE), true);
        for (int i = 0; i < KEYS; i++) RangeTests.putOwnKey(client, utf8("third-" + i), utf8("v" + i));
        awaitCaughtUp("adding it back");

        // Promoted and with node 1 gone, node 4's replica is needed for a quorum and must hold everything.
        client.addReplica(RANGE, NODE, cluster.address(NODE), false);
        client.removeReplica(RANGE, 1);
        cluster.kill(1);
        for (String prefix : List.of("first-", "second-", "third-")) {
            for (int i = 0; i < KEYS; i++) {
                Optional<byte[]> got = client.get(utf8(prefix + i));
                assertEquals("v" + i, got.map(RangeTests::text).orElse(null), prefix + i);
            }
        }
    }

    /** Waits until node 4 reports range 2 applied up to the leaseholder's commit index as it was at the call. */
    private void awaitCaughtUp(String when) throws InterruptedException {
        long target = client.leaseholderStatus(RANGE).getCommit();
        String last = RangeTests.awaitNoProblem(CATCH_UP_BOUND_MILLIS, 200, () -> {
            GroupStatus g = statusOn(NODE);
            if (g != null && g.getApplied() >= target) return null;
            return g == null ? "node 4 lists no replica of r" + RANGE : "node 4 applied " + g.getApplied() + " of " + target;
        });
        if (last == null) return;
        fail("after " + when + ", node " + NODE + " did not catch up on r" + RANGE + " within " + CATCH_UP_BOUND_MILLIS
                + " ms: " + last + "\n" + cluster.logTails(25));
    }

    private GroupStatus statusOn(long nodeId) {
        for (GroupStatus g : client.admin(cluster.address(nodeId),
                AdminRequest.newBuilder().setStatus(StatusRequest.getDefaultInstance()).build()).getGroupsList()) {
            if (g.getGroupId() == RANGE) return g;
        }
        return null;
    }
}

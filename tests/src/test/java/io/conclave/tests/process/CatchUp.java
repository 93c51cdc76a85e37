package io.conclave.tests.process;

import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.range.rpc.GroupStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Waiting, through each node's own status, until replicas agree on what they applied. */
final class CatchUp {
    static final long POLL_MILLIS = 300;
    /** Consecutive agreeing polls required, so a replica caught mid-cycle does not pass by luck. */
    static final int STABLE_POLLS = 2;

    private CatchUp() {}

    /**
     * Waits until every group has a leader and, on every node in {@code nodes}, the same applied
     * index, equal to its commit index; fails with the last disagreement and the node logs.
     */
    static void await(ClusterKv client, ProcessCluster cluster, List<NodeProcess> nodes, int groups,
            long timeoutMillis, String context) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        String last = "";
        int stable = 0;
        while (System.nanoTime() < deadline) {
            last = describeLag(client, nodes, groups);
            stable = last.isEmpty() ? stable + 1 : 0;
            if (stable >= STABLE_POLLS) return;
            Thread.sleep(POLL_MILLIS);
        }
        fail("replicas did not catch up within " + timeoutMillis + " ms: " + last + "; " + context + "\n"
                + cluster.logTails(30));
    }

    /** Empty when every group has one applied index == commit on every node, else what differs. */
    static String describeLag(ClusterKv client, List<NodeProcess> nodes, int groups) {
        Map<Long, List<String>> seen = new HashMap<>();
        Map<Long, Long> appliedByGroup = new HashMap<>();
        StringBuilder lag = new StringBuilder();
        for (NodeProcess n : nodes) {
            List<GroupStatus> status;
            try {
                status = client.status(n.address());
            } catch (Exception e) {
                return "node " + n.nodeId() + " status failed: " + e.getMessage();
            }
            for (GroupStatus g : status) {
                if (g.getGroupId() == 1) continue; // the meta range: no test data, and not on every node
                seen.computeIfAbsent(g.getGroupId(), k -> new ArrayList<>()).add(n.nodeId() + ":" + g.getApplied());
                Long prev = appliedByGroup.putIfAbsent(g.getGroupId(), g.getApplied());
                if ((prev != null && prev != g.getApplied()) || g.getApplied() != g.getCommit() || g.getLeader() == 0) {
                    lag.append("group ").append(g.getGroupId()).append(" node ").append(n.nodeId()).append(" applied ")
                            .append(g.getApplied()).append(" commit ").append(g.getCommit()).append(" leader ")
                            .append(g.getLeader()).append("; ");
                }
            }
        }
        if (lag.length() > 0) return lag.toString();
        if (seen.size() != groups) return "only groups " + seen.keySet() + " reported";
        for (Map.Entry<Long, List<String>> e : seen.entrySet()) {
            if (e.getValue().size() != nodes.size()) return "group " + e.getKey() + " only on " + e.getValue();
        }
        return "";
    }

    /** The status of {@code groupId} on the node at {@code address}, or null if it has no replica. */
    static GroupStatus groupOn(ClusterKv client, String address, long groupId) throws Exception {
        for (GroupStatus g : client.status(address)) {
            if (g.getGroupId() == groupId) return g;
        }
        return null;
    }
}

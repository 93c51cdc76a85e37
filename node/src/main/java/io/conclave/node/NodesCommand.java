package io.conclave.node;

import io.conclave.clock.ClockDurations;
import io.conclave.node.cluster.NodeRpc;
import io.conclave.node.rpc.ListNodes;
import io.conclave.node.rpc.NodeRequest;
import io.conclave.node.rpc.NodeResponse;
import io.conclave.node.rpc.NodeRow;
import java.io.PrintStream;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = {"Lists every node of the cluster: id, address, live or dead, replicas, leases, and its"
                + " clock offset as measured by the asked node."})
final class NodesCommand implements Runnable {
    @picocli.CommandLine.Mixin
    SecurityFlags security = new SecurityFlags();

    /** The answering node asks every live node for its status; each call is bounded by the client. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--host", required = true, paramLabel = "HOST:PORT", description = "A node of the cluster.")
    String host;

    @Override
    public void run() {
        NodeResponse r = NodeRpc.call(host, NodeRequest.newBuilder().setNodes(ListNodes.getDefaultInstance()).build(),
                TIMEOUT, security.forClient());
        print(r, System.out);
    }

    static void print(NodeResponse r, PrintStream out) {
        out.printf("%-5s %-22s %-6s %-9s %-7s %-14s %s%n", "id", "address", "status", "replicas", "leases",
                "clock-offset", "liveness");
        for (NodeRow n : r.getNodesList()) {
            String offset = n.getNodeId() == r.getNodeId() ? "(self)"
                    : n.getOffsetKnown() ? ClockDurations.formatApprox(n.getOffsetNanos()) : "unknown";
            String expiry = n.getLive()
                    ? "expires in " + ClockDurations.formatApprox(n.getExpiresInNanos()).replace("+", "")
                    : "expired " + ClockDurations.formatApprox(-n.getExpiresInNanos()).replace("+", "") + " ago";
            out.printf("%-5d %-22s %-6s %-9d %-7d %-14s %s (epoch %d)%n", n.getNodeId(), n.getAddress(),
                    n.getLive() ? "live" : "dead", n.getReplicas(), n.getLeases(), offset, expiry, n.getEpoch());
        }
        out.println("(" + r.getNodesCount() + " nodes, as node " + r.getNodeId() + " of cluster " + r.getClusterId()
                + " sees them)");
    }
}

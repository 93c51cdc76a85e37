package io.conclave.node;

import io.conclave.node.cluster.NodeRpc;
import io.conclave.node.rpc.InitCluster;
import io.conclave.node.rpc.NodeRequest;
import io.conclave.node.rpc.NodeResponse;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Initializes a new cluster on a started, uninitialized node (once per cluster).",
            "That node becomes node 1 and holds the meta range and one range over every user key; the other"
                    + " nodes, started with --join, then get their node ids and the allocator replicates to them."})
final class InitCommand implements Runnable {
    @picocli.CommandLine.Mixin
    SecurityFlags security = new SecurityFlags();

    /** Bootstrapping is two store commits on the node; generous for a slow disk. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--host", required = true, paramLabel = "HOST:PORT",
            description = "The node to initialize (its --listen address).")
    String host;

    @Override
    public void run() {
        NodeResponse r = NodeRpc.call(host, NodeRequest.newBuilder().setInit(InitCluster.getDefaultInstance()).build(),
                TIMEOUT, security.forClient());
        System.out.println("initialized cluster " + r.getClusterId() + ": node " + r.getNodeId() + " at " + host
                + " holds ranges 1 (meta) and 2 (user keys); start more nodes with --join " + host);
    }
}

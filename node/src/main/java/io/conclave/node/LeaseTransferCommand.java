package io.conclave.node;

import io.conclave.node.client.Clients;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.ReplicaDescriptor;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "lease-transfer", mixinStandardHelpOptions = true,
        description = {"Moves a range's lease (and its Raft leadership) to another node holding a voting replica."})
final class LeaseTransferCommand implements Runnable {
    @picocli.CommandLine.Mixin
    SecurityFlags security = new SecurityFlags();

    @Option(names = "--host", required = true, paramLabel = "HOST:PORT", description = "A node of the cluster.")
    String host;

    @Option(names = "--range", required = true, paramLabel = "ID", description = "The range ('conclave ranges' lists them).")
    long rangeId;

    @Option(names = "--to", required = true, paramLabel = "NODE", description = "The node id to hand the lease to.")
    long toNode;

    @Override
    public void run() {
        if (rangeId <= 0) throw new IllegalArgumentException("--range must be a positive range id, was " + rangeId);
        if (toNode <= 0) throw new IllegalArgumentException("--to must be a positive node id, was " + toNode);
        try (RangeClient client = Clients.connect(List.of(host), security.forClient())) {
            RangeDescriptor d = find(client.allRanges(), rangeId).orElseThrow(() -> new IllegalStateException(
                    "range " + rangeId + " does not exist; 'conclave ranges --host " + host + "' lists the ranges"));
            Optional<ReplicaDescriptor> replica = d.getReplicasList().stream()
                    .filter(r -> r.getNodeId() == toNode).findFirst();
            if (replica.isEmpty()) {
                throw new IllegalStateException("node " + toNode + " has no replica of " + RangesCommand.describe(d)
                        + "; a lease can only move to a node with a voting replica");
            }
            if (replica.get().getLearner()) {
                throw new IllegalStateException("node " + toNode + " holds only a learner of " + RangesCommand.describe(d)
                        + "; a lease can only move to a voting replica");
            }
            long startNanos = System.nanoTime();
            client.transferLease(rangeId, toNode);
            System.out.printf("range %d: lease transferred to node %d in %.1f ms%n", rangeId, toNode,
                    (System.nanoTime() - startNanos) / 1e6);
        }
    }

    static Optional<RangeDescriptor> find(List<RangeDescriptor> ranges, long rangeId) {
        return ranges.stream().filter(d -> d.getRangeId() == rangeId).findFirst();
    }
}

package io.conclave.node.cluster;

import io.conclave.clock.ClockDurations;
import io.conclave.node.rpc.Frame;
import io.conclave.node.rpc.JoinCluster;
import io.conclave.node.rpc.NodeRequest;
import io.conclave.node.rpc.NodeResponse;
import io.conclave.node.transport.Connection;
import io.conclave.range.Keys;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.ErrorResponse;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Logger;

/**
 * An initialized node's answers to node-level requests: refuses {@code init} (the cluster exists),
 * hands out node ids to joiners ({@code increment} of {@link Keys#nodeIdCounterKey()} on range 1,
 * so ids are unique cluster-wide even with joins through different nodes), checks a restarting
 * node's cluster id, and serves the cluster views. Runs the blocking work on {@code executor},
 * never on the transport's I/O thread.
 */
public final class ClusterService {
    private static final Logger LOG = Logger.getLogger(ClusterService.class.getName());

    private final String clusterId;
    private final long nodeId;
    private final long maxOffsetNanos;
    private final String address;
    private final RangeClient client;
    private final ClusterView view;
    private final ExecutorService executor;

    public ClusterService(String clusterId, long nodeId, long maxOffsetNanos, String address, RangeClient client,
            ClusterView view, ExecutorService executor) {
        this.clusterId = clusterId;
        this.nodeId = nodeId;
        this.maxOffsetNanos = maxOffsetNanos;
        this.address = address;
        this.client = client;
        this.view = view;
        this.executor = executor;
    }

    /** Answers {@code frame} (a node request, see {@link NodeRpc#isNodeRequest}) on {@code connection}. */
    public void onRequest(Frame frame, Connection connection) {
        long id = frame.getRequestId();
        try {
            executor.execute(() -> answer(frame.getNodeRequest(), connection, id));
        } catch (RejectedExecutionException e) {
            NodeRpc.replyError(connection, id, ErrorResponse.Code.TIMEOUT, "node " + nodeId + " at " + address
                    + " is stopping or has too many node requests queued; ask again in a moment");
        }
    }

    private void answer(NodeRequest request, Connection connection, long id) {
        try {
            NodeRpc.reply(connection, id, handle(request));
        } catch (ClusterException e) {
            NodeRpc.replyError(connection, id, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warning("node " + nodeId + " failed a " + request.getOpCase() + " request: " + e);
            NodeRpc.replyError(connection, id, ErrorResponse.Code.INTERNAL,
                    "node " + nodeId + " at " + address + " failed the " + request.getOpCase() + " request: "
                            + e.getMessage());
        }
    }

    NodeResponse handle(NodeRequest request) {
        return switch (request.getOpCase()) {
            case INIT -> throw new ClusterException(ErrorResponse.Code.BAD_REQUEST, "cluster " + clusterId
                    + " is already initialized (node " + nodeId + " at " + address + " belongs to it);"
                    + " init runs once per cluster: start new nodes with --join " + address);
            case JOIN -> join(request.getJoin());
            case NODES -> NodeResponse.newBuilder().setClusterId(clusterId).setNodeId(nodeId)
                    .addAllNodes(view.nodes()).build();
            case RANGES -> NodeResponse.newBuilder().setClusterId(clusterId).setNodeId(nodeId)
                    .addAllRanges(view.ranges()).build();
            default -> throw new ClusterException(ErrorResponse.Code.BAD_REQUEST,
                    "node " + nodeId + " does not know the node request " + request.getOpCase());
        };
    }

    private NodeResponse join(JoinCluster join) {
        if (join.getMaxOffsetNanos() != maxOffsetNanos) {
            throw new ClusterException(ErrorResponse.Code.CLUSTER_MISMATCH, "the node at " + join.getAddress()
                    + " runs with --max-offset " + ClockDurations.format(join.getMaxOffsetNanos()) + " but cluster "
                    + clusterId + " uses " + ClockDurations.format(maxOffsetNanos)
                    + "; every node of a cluster must use the same value");
        }
        NodeResponse.Builder answer = NodeResponse.newBuilder().setClusterId(clusterId).setMaxOffsetNanos(maxOffsetNanos);
        if (!join.getClusterId().isEmpty()) {
            // A restart on an existing store: only check that it is this cluster.
            if (!join.getClusterId().equals(clusterId)) {
                throw new ClusterException(ErrorResponse.Code.CLUSTER_MISMATCH, "the store of node "
                        + join.getNodeId() + " belongs to cluster " + join.getClusterId() + " but node " + nodeId
                        + " at " + address + " (its --join) belongs to cluster " + clusterId
                        + "; fix --join or use an empty --store");
            }
            return answer.setNodeId(join.getNodeId()).build();
        }
        long newId = client.increment(Keys.nodeIdCounterKey(), 1);
        LOG.info("node " + nodeId + " gave node id " + newId + " to the node joining from " + join.getAddress());
        return answer.setNodeId(newId).build();
    }
}

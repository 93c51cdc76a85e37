package io.conclave.node.cluster;

import io.conclave.node.rpc.Frame;
import io.conclave.node.rpc.JoinCluster;
import io.conclave.node.rpc.NodeRequest;
import io.conclave.node.rpc.NodeResponse;
import io.conclave.node.transport.Connection;
import io.conclave.node.transport.FrameClock;
import io.conclave.node.transport.Transport;
import io.conclave.node.transport.TransportConfig;
import io.conclave.node.transport.TransportTls;
import io.conclave.range.rpc.ErrorResponse;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * What an empty store does before it belongs to a cluster: it listens on its {@code --listen}
 * address, answers only {@code init} (bootstraps a new cluster with this node as node 1) and
 * refuses everything else with a message saying why, while a background loop asks the
 * {@code --join} addresses for a node id until one answers. Whichever comes first decides; the
 * gate then writes the store's identity, closes its listener and hands the identity to the
 * caller, which starts the real node on the same address.
 *
 * <p>Why a separate listener: the transport's node id and cluster id are fixed when it starts,
 * and an uninitialized node has neither. The gate's transport uses a placeholder identity that no
 * node-to-node Hello can match, so only client connections get through, which is all it needs.
 */
public final class ClusterGate implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClusterGate.class.getName());
    /** The gate's transport identity: no node has it, so no peer's Hello is ever accepted. */
    static final long PLACEHOLDER_NODE_ID = Long.MAX_VALUE;
    static final String PLACEHOLDER_CLUSTER_ID = "uninitialized";
    /** How long an init answer may take to leave before the gate's listener closes. */
    private static final long REPLY_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Log a still-failing join once per this many rounds, not every round. */
    private static final int JOIN_LOG_EVERY_ROUNDS = 10;

    /** The identity the store now has, and whether this node bootstrapped the cluster. */
    public record Identity(String clusterId, long nodeId, boolean bootstrapped) {}

    /** Writes what a new cluster needs on node 1's store (ranges 1 and 2, counters) and its identity. */
    @FunctionalInterface
    public interface Initializer {
        void initialize(String clusterId);
    }

    /** Writes the identity a join answered with into the store. */
    @FunctionalInterface
    public interface IdentityWriter {
        void write(String clusterId, long nodeId);
    }

    private final long maxOffsetNanos;
    private final List<String> joinAddresses;
    private final JoinSettings joinSettings;
    private final Initializer initializer;
    private final IdentityWriter identityWriter;
    private final Supplier<String> newClusterId;
    private final CompletableFuture<Identity> decided = new CompletableFuture<>();
    private final ExecutorService requests;
    private final Thread joiner;
    private final Transport transport;
    private final TransportTls tls;
    private volatile boolean closed;

    private ClusterGate(InetSocketAddress listen, long maxOffsetNanos, List<String> joinAddresses,
            JoinSettings joinSettings, Initializer initializer, IdentityWriter identityWriter,
            Supplier<String> newClusterId, TransportTls tls) {
        this.tls = tls;
        this.maxOffsetNanos = maxOffsetNanos;
        this.joinAddresses = List.copyOf(joinAddresses);
        this.joinSettings = joinSettings;
        this.initializer = initializer;
        this.identityWriter = identityWriter;
        this.newClusterId = newClusterId;
        this.requests = Executors.newSingleThreadExecutor(r -> daemon(r, "conclave-gate"));
        this.transport = Transport.start(PLACEHOLDER_NODE_ID, PLACEHOLDER_CLUSTER_ID, maxOffsetNanos, listen,
                TransportConfig.defaults().withTls(tls), FrameClock.none(), this::onFrame);
        this.joiner = daemon(this::joinLoop, "conclave-join");
    }

    /**
     * Listens on {@code listen} and, if {@code joinAddresses} is not empty, starts asking them for
     * a node id. {@code newClusterId} is called once, by an init.
     */
    public static ClusterGate open(InetSocketAddress listen, long maxOffsetNanos, List<String> joinAddresses,
            JoinSettings joinSettings, Initializer initializer, IdentityWriter identityWriter,
            Supplier<String> newClusterId) {
        return open(listen, maxOffsetNanos, joinAddresses, joinSettings, initializer, identityWriter, newClusterId,
                TransportTls.NONE);
    }

    /** As above, serving and joining over TLS when {@code tls} is enabled. */
    public static ClusterGate open(InetSocketAddress listen, long maxOffsetNanos, List<String> joinAddresses,
            JoinSettings joinSettings, Initializer initializer, IdentityWriter identityWriter,
            Supplier<String> newClusterId, TransportTls tls) {
        ClusterGate gate = new ClusterGate(listen, maxOffsetNanos, joinAddresses, joinSettings, initializer,
                identityWriter, newClusterId, tls);
        if (!gate.joinAddresses.isEmpty()) gate.joiner.start();
        return gate;
    }

    public InetSocketAddress listenAddress() {
        return transport.listenAddress();
    }

    /**
     * Waits until an init or a join decided this node's identity (already written to the store),
     * closes the gate's listener and returns the identity.
     *
     * @throws ClusterException if a join was refused for good (another --max-offset, ...)
     */
    public Identity await() throws InterruptedException {
        try {
            Identity identity = decided.get();
            // The init answer was handed to the connection before `decided` completed; give it a
            // moment on the wire before the listener and its connections close.
            LockSupport.parkNanos(REPLY_GRACE_NANOS);
            return identity;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ClusterException c) throw c;
            throw new IllegalStateException("the cluster gate failed: " + e.getCause(), e.getCause());
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        closed = true;
        joiner.interrupt();
        requests.shutdownNow();
        transport.close();
    }

    private String self() {
        return Addresses.format(transport.listenAddress());
    }

    private void onFrame(Frame frame, Connection connection) {
        long id = frame.getRequestId();
        if (NodeRpc.isNodeRequest(frame) && frame.getNodeRequest().getOpCase() == NodeRequest.OpCase.INIT) {
            requests.execute(() -> init(connection, id));
            return;
        }
        // RANGE_NOT_FOUND: true (this node has no replica of anything) and what a range client
        // and a joiner treat as "ask elsewhere or later".
        NodeRpc.replyError(connection, id, ErrorResponse.Code.RANGE_NOT_FOUND, "the node at " + self()
                + " is not initialized yet: it waits for 'conclave init --host " + self() + "' (a new cluster)"
                + (joinAddresses.isEmpty() ? "" : " or to join the cluster at " + String.join(",", joinAddresses)));
    }

    private void init(Connection connection, long requestId) {
        String clusterId;
        synchronized (this) {
            if (decided.isDone()) {
                NodeRpc.replyError(connection, requestId, ErrorResponse.Code.BAD_REQUEST,
                        "the node at " + self() + " has just been initialized or joined a cluster");
                return;
            }
            clusterId = newClusterId.get();
            try {
                initializer.initialize(clusterId);
            } catch (RuntimeException e) {
                LOG.severe("init of a new cluster on " + self() + " failed: " + e);
                NodeRpc.replyError(connection, requestId, ErrorResponse.Code.INTERNAL,
                        "init failed on " + self() + ": " + e.getMessage());
                return;
            }
            NodeRpc.reply(connection, requestId, NodeResponse.newBuilder().setClusterId(clusterId).setNodeId(1)
                    .setMaxOffsetNanos(maxOffsetNanos).build());
            decided.complete(new Identity(clusterId, 1, true));
        }
        LOG.info("initialized a new cluster " + clusterId + " with this node as node 1");
    }

    private void joinLoop() {
        long backoffNanos = joinSettings.backoffMin().toNanos();
        JoinCluster request = JoinCluster.newBuilder().setAddress(self()).setMaxOffsetNanos(maxOffsetNanos).build();
        for (long round = 0; !closed && !decided.isDone(); round++) {
            String lastFailure = null;
            for (String address : joinAddresses) {
                if (closed || decided.isDone()) return;
                try {
                    NodeResponse answer = NodeRpc.call(address, NodeRequest.newBuilder().setJoin(request).build(),
                            joinSettings.attemptTimeout(), tls);
                    joined(address, answer);
                    return;
                } catch (ClusterException e) {
                    if (!e.retryable()) {
                        decided.completeExceptionally(new ClusterException(e.code(), "joining through " + address
                                + " was refused: " + e.getMessage()));
                        return;
                    }
                    lastFailure = address + ": " + e.getMessage();
                }
            }
            if (round % JOIN_LOG_EVERY_ROUNDS == 0) {
                LOG.info("node at " + self() + " waits to join (or for 'conclave init'); last answer " + lastFailure);
            }
            LockSupport.parkNanos(backoffNanos);
            if (Thread.interrupted()) return;
            backoffNanos = Math.min(backoffNanos * 2, joinSettings.backoffMax().toNanos());
        }
    }

    private synchronized void joined(String address, NodeResponse answer) {
        if (decided.isDone()) return; // an init won the race; the allocated id stays unused
        if (answer.getNodeId() <= 0 || answer.getClusterId().isEmpty()) {
            decided.completeExceptionally(new ClusterException(ErrorResponse.Code.INTERNAL,
                    "the node at " + address + " answered the join without a cluster id or node id"));
            return;
        }
        identityWriter.write(answer.getClusterId(), answer.getNodeId());
        LOG.info("joined cluster " + answer.getClusterId() + " through " + address + " as node " + answer.getNodeId());
        decided.complete(new Identity(answer.getClusterId(), answer.getNodeId(), false));
    }

    /**
     * For a node restarting on a store of {@code clusterId}: asks the {@code --join} addresses,
     * until one answers, whether they belong to the same cluster. Best effort by design (a
     * restart must not depend on any other node being up): unreachable or uninitialized
     * addresses are skipped.
     *
     * @throws ClusterException CLUSTER_MISMATCH if an answering node belongs to another cluster or
     *     uses another maximum clock offset
     */
    public static void verifyMembership(String clusterId, long nodeId, String selfAddress, long maxOffsetNanos,
            List<String> joinAddresses, java.time.Duration attemptTimeout) {
        verifyMembership(clusterId, nodeId, selfAddress, maxOffsetNanos, joinAddresses, attemptTimeout,
                TransportTls.NONE);
    }

    /** As above, over TLS when {@code tls} is enabled. */
    public static void verifyMembership(String clusterId, long nodeId, String selfAddress, long maxOffsetNanos,
            List<String> joinAddresses, java.time.Duration attemptTimeout, TransportTls tls) {
        JoinCluster check = JoinCluster.newBuilder().setAddress(selfAddress).setMaxOffsetNanos(maxOffsetNanos)
                .setClusterId(clusterId).setNodeId(nodeId).build();
        for (String address : joinAddresses) {
            if (address.equals(selfAddress)) continue;
            try {
                NodeRpc.call(address, NodeRequest.newBuilder().setJoin(check).build(), attemptTimeout, tls);
                return;
            } catch (ClusterException e) {
                if (!e.retryable()) throw e;
                LOG.fine(() -> "could not check the cluster of " + address + ": " + e.getMessage());
            }
        }
        if (!joinAddresses.isEmpty()) {
            LOG.info("node " + nodeId + " restarts on its store of cluster " + clusterId
                    + "; no --join address answered to confirm the cluster");
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}

package io.conclave.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.node.rpc.Frame;
import io.conclave.node.rpc.InitCluster;
import io.conclave.node.rpc.JoinCluster;
import io.conclave.node.rpc.ListNodes;
import io.conclave.node.rpc.NodeRequest;
import io.conclave.node.rpc.NodeResponse;
import io.conclave.node.transport.FrameClock;
import io.conclave.node.transport.Transport;
import io.conclave.node.transport.TransportConfig;
import io.conclave.range.rpc.ErrorResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The uninitialized node's gate over a real transport: init, join, and what it refuses. */
class ClusterGateTest {
    private static final long MAX_OFFSET = 250_000_000L;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);
    private static final JoinSettings FAST_JOIN =
            new JoinSettings(Duration.ofSeconds(2), Duration.ofMillis(20), Duration.ofMillis(100));

    private static NodeRequest init() {
        return NodeRequest.newBuilder().setInit(InitCluster.getDefaultInstance()).build();
    }

    @Test
    void initBootstrapsOnceAndMakesNodeOne() throws Exception {
        List<String> initialized = new ArrayList<>();
        ClusterGate gate = ClusterGate.open(ANY_PORT, MAX_OFFSET, List.of(), FAST_JOIN, initialized::add,
                (c, n) -> { throw new AssertionError("no join without --join"); }, () -> "c-1");
        String address = Addresses.format(gate.listenAddress());
        CompletableFuture<ClusterGate.Identity> identity = CompletableFuture.supplyAsync(() -> {
            try {
                return gate.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        NodeResponse r = NodeRpc.call(address, init(), TIMEOUT);
        assertEquals("c-1", r.getClusterId());
        assertEquals(1, r.getNodeId());
        assertEquals(new ClusterGate.Identity("c-1", 1, true), identity.get(5, TimeUnit.SECONDS));
        assertEquals(List.of("c-1"), initialized);
        // The gate closed its listener: the real node takes the address over.
        ClusterException gone = assertThrows(ClusterException.class, () -> NodeRpc.call(address, init(), TIMEOUT));
        assertTrue(gone.retryable(), gone.getMessage());
    }

    @Test
    void anythingButInitIsRefusedWithWhatToDo() {
        try (ClusterGate gate = ClusterGate.open(ANY_PORT, MAX_OFFSET, List.of(), FAST_JOIN, c -> {}, (c, n) -> {},
                () -> "c-1")) {
            String address = Addresses.format(gate.listenAddress());
            ClusterException e = assertThrows(ClusterException.class, () -> NodeRpc.call(address,
                    NodeRequest.newBuilder().setNodes(ListNodes.getDefaultInstance()).build(), TIMEOUT));
            assertEquals(ErrorResponse.Code.RANGE_NOT_FOUND, e.code());
            assertTrue(e.getMessage().contains("not initialized yet") && e.getMessage().contains("conclave init"),
                    e.getMessage());
        }
    }

    @Test
    void joinWaitsForAnUninitializedClusterThenTakesTheIdItIsGiven() throws Exception {
        // The first join address is another uninitialized gate (answers "not initialized"), the
        // second a node of cluster c-9 that starts answering after a few attempts.
        AtomicInteger attempts = new AtomicInteger();
        try (ClusterGate other = ClusterGate.open(ANY_PORT, MAX_OFFSET, List.of(), FAST_JOIN, c -> {}, (c, n) -> {},
                () -> "never");
                Transport member = answering(attempts, 3, NodeResponse.newBuilder().setClusterId("c-9").setNodeId(7)
                        .setMaxOffsetNanos(MAX_OFFSET).build())) {
            List<String> written = new ArrayList<>();
            ClusterGate joiner = ClusterGate.open(ANY_PORT, MAX_OFFSET,
                    List.of(Addresses.format(other.listenAddress()), Addresses.format(member.listenAddress())),
                    FAST_JOIN, c -> { throw new AssertionError("no init"); }, (c, n) -> written.add(c + "/" + n),
                    () -> "unused");
            assertEquals(new ClusterGate.Identity("c-9", 7, false), joiner.await());
            assertEquals(List.of("c-9/7"), written);
            assertTrue(attempts.get() >= 3, "attempts " + attempts.get());
        }
    }

    @Test
    void aRefusedJoinEndsTheWaitWithTheReason() {
        try (Transport member = refusing(ErrorResponse.Code.CLUSTER_MISMATCH, "cluster c-9 uses --max-offset 500ms")) {
            ClusterGate joiner = ClusterGate.open(ANY_PORT, MAX_OFFSET,
                    List.of(Addresses.format(member.listenAddress())), FAST_JOIN, c -> {}, (c, n) -> {}, () -> "x");
            ClusterException e = assertThrows(ClusterException.class, joiner::await);
            assertEquals(ErrorResponse.Code.CLUSTER_MISMATCH, e.code());
            assertTrue(e.getMessage().contains("500ms") && e.getMessage().contains("was refused"), e.getMessage());
        }
    }

    /** A stand-in cluster member: answers joins with {@code answer} after {@code failFirst} "not yet". */
    private static Transport answering(AtomicInteger attempts, int failFirst, NodeResponse answer) {
        return Transport.start(42, "c-9", MAX_OFFSET, ANY_PORT, TransportConfig.defaults(), FrameClock.none(),
                (Frame f, io.conclave.node.transport.Connection c) -> {
                    JoinCluster join = f.getNodeRequest().getJoin();
                    assertEquals(MAX_OFFSET, join.getMaxOffsetNanos());
                    if (attempts.incrementAndGet() <= failFirst) {
                        NodeRpc.replyError(c, f.getRequestId(), ErrorResponse.Code.RANGE_NOT_FOUND, "not yet");
                    } else {
                        NodeRpc.reply(c, f.getRequestId(), answer);
                    }
                });
    }

    private static Transport refusing(ErrorResponse.Code code, String message) {
        return Transport.start(42, "c-9", MAX_OFFSET, ANY_PORT, TransportConfig.defaults(), FrameClock.none(),
                (f, c) -> NodeRpc.replyError(c, f.getRequestId(), code, message));
    }
}

package io.conclave.node.transport;

import static io.conclave.node.transport.TestNode.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.proto.TimestampProto;
import io.conclave.node.rpc.Frame;
import io.conclave.range.rpc.ErrorResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Node-to-node behaviour over real sockets on 127.0.0.1. */
class TransportTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @Test
    void twoNodesExchangeFramesBothWaysOverOneConnection() throws Exception {
        try (TestNode one = TestNode.start(1); TestNode two = TestNode.start(2)) {
            one.transport.setPeerAddress(2, two.address());
            two.transport.setPeerAddress(1, one.address());
            // Sent before any connection exists: queued, then flushed in order.
            for (int i = 0; i < 50; i++) {
                assertTrue(one.transport.send(2, TestNode.raft(i)));
                assertTrue(two.transport.send(1, TestNode.raft(1000 + i)));
            }
            for (int i = 0; i < 50; i++) {
                Frame atTwo = two.poll(WAIT);
                Frame atOne = one.poll(WAIT);
                assertNotNull(atTwo, "frame " + i + " never reached node 2");
                assertNotNull(atOne, "frame " + i + " never reached node 1");
                assertEquals(i, atTwo.getRaft().getHeartbeats(0).getGroupId());
                assertEquals(1, atTwo.getFromNode());
                assertEquals(1000 + i, atOne.getRaft().getHeartbeats(0).getGroupId());
                assertEquals(2, atOne.getFromNode());
            }
            // Only the lower id dialed; the higher one accepted exactly one connection.
            assertEquals(0, one.transport.stats().connectionsAccepted());
            assertEquals(1, two.transport.stats().connectionsAccepted());
            assertEquals(1, one.transport.stats().connectionsEstablished());
            assertEquals(1, two.transport.stats().connectionsEstablished());
            assertEquals(0, one.transport.stats().reconnects());
        }
    }

    @Test
    void threeNodesUseExactlyOneConnectionPerPair() throws Exception {
        List<TestNode> nodes = new ArrayList<>();
        try {
            for (long id = 1; id <= 3; id++) {
                nodes.add(TestNode.start(id));
            }
            for (TestNode from : nodes) {
                for (TestNode to : nodes) {
                    if (from != to) {
                        from.transport.setPeerAddress(to.nodeId, to.address());
                    }
                }
            }
            for (TestNode from : nodes) {
                for (TestNode to : nodes) {
                    if (from != to) {
                        assertTrue(from.transport.send(to.nodeId, TestNode.raft(from.nodeId)));
                    }
                }
            }
            for (TestNode node : nodes) {
                for (int i = 0; i < 2; i++) {
                    Frame frame = node.poll(WAIT);
                    assertNotNull(frame, "node " + node.nodeId + " missed a frame");
                    assertEquals(frame.getFromNode(), frame.getRaft().getHeartbeats(0).getGroupId());
                }
            }
            // Node k accepts one connection from each lower node and dials each higher one.
            for (TestNode node : nodes) {
                assertEquals(node.nodeId - 1, node.transport.stats().connectionsAccepted(),
                        "accepted at node " + node.nodeId);
                assertEquals(2, node.transport.stats().connectionsEstablished());
            }
        } finally {
            nodes.forEach(TestNode::close);
        }
    }

    @Test
    void callCompletesWithResponseInBothDirections() throws Exception {
        try (TestNode one = TestNode.start(1); TestNode two = TestNode.start(2)) {
            one.transport.setPeerAddress(2, two.address());
            Frame fromTwo = one.transport.call(2, TestNode.get("a"), WAIT).get(5, TimeUnit.SECONDS);
            assertEquals("a", fromTwo.getKvResponse().getValue().toStringUtf8());
            assertEquals(2, fromTwo.getFromNode());
            // Node 2 knows no address of node 1 but answers on the connection node 1 opened.
            Frame fromOne = two.transport.call(1, TestNode.get("b"), WAIT).get(5, TimeUnit.SECONDS);
            assertEquals("b", fromOne.getKvResponse().getValue().toStringUtf8());
            // Ids overlap between directions; bodies keep requests and responses apart.
            List<CompletableFuture<Frame>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                calls.add(one.transport.call(2, TestNode.get("x" + i), WAIT));
                calls.add(two.transport.call(1, TestNode.get("y" + i), WAIT));
            }
            for (int i = 0; i < 200; i++) {
                assertEquals("x" + i, calls.get(2 * i).get(5, TimeUnit.SECONDS)
                        .getKvResponse().getValue().toStringUtf8());
                assertEquals("y" + i, calls.get(2 * i + 1).get(5, TimeUnit.SECONDS)
                        .getKvResponse().getValue().toStringUtf8());
            }
        }
    }

    @Test
    void callTimesOutWhenNoResponseComes() throws Exception {
        try (TestNode one = TestNode.start(1); TestNode two = TestNode.start(2)) {
            one.transport.setPeerAddress(2, two.address());
            CompletableFuture<Frame> call =
                    one.transport.call(2, TestNode.get("silent"), Duration.ofMillis(200));
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> call.get(5, TimeUnit.SECONDS));
            TransportException cause = assertInstanceOf(TransportException.class, failure.getCause());
            assertEquals(TransportException.Reason.TIMEOUT, cause.reason());
            assertEquals(1, one.transport.stats().callsTimedOut());
            // A call to a node that never connects times out too, from the queue.
            CompletableFuture<Frame> nowhere =
                    one.transport.call(9, TestNode.get("k"), Duration.ofMillis(100));
            failure = assertThrows(ExecutionException.class, () -> nowhere.get(5, TimeUnit.SECONDS));
            assertEquals(TransportException.Reason.TIMEOUT,
                    ((TransportException) failure.getCause()).reason());
        }
    }

    @Test
    void redialsAfterPeerRestartsOnSamePort() throws Exception {
        try (TestNode one = TestNode.start(1)) {
            TestNode two = TestNode.start(2);
            int port = two.address().getPort();
            one.transport.setPeerAddress(2, two.address());
            assertEquals("a", one.transport.call(2, TestNode.get("a"), WAIT)
                    .get(5, TimeUnit.SECONDS).getKvResponse().getValue().toStringUtf8());
            CompletableFuture<Frame> inFlight = one.transport.call(2, TestNode.get("silent"), WAIT);
            two.close();
            ExecutionException lost = assertThrows(ExecutionException.class,
                    () -> inFlight.get(5, TimeUnit.SECONDS));
            assertEquals(TransportException.Reason.CONNECTION_LOST,
                    ((TransportException) lost.getCause()).reason());
            // Let a few redials fail against the closed port, then come back on the same port.
            assertTrue(eventually(WAIT, () -> one.transport.stats().reconnects() >= 2));
            try (TestNode twoAgain = TestNode.start(2, port, TestNode.config(), TestNode.CLUSTER,
                    TestNode.MAX_OFFSET_NANOS, FrameClock.none())) {
                assertTrue(one.transport.send(2, TestNode.raft(7)));
                Frame frame = twoAgain.poll(WAIT);
                assertNotNull(frame, "no frame after the peer restarted");
                assertEquals(7, frame.getRaft().getHeartbeats(0).getGroupId());
                assertEquals("b", one.transport.call(2, TestNode.get("b"), WAIT)
                        .get(5, TimeUnit.SECONDS).getKvResponse().getValue().toStringUtf8());
                assertEquals(2, one.transport.stats().connectionsEstablished());
            }
        }
    }

    @Test
    void queueForUnconnectedPeerKeepsTheNewestFrames() throws Exception {
        TransportConfig config = TestNode.config().withMaxQueuedFramesPerPeer(10);
        try (TestNode one = TestNode.start(1, 0, config, TestNode.CLUSTER,
                TestNode.MAX_OFFSET_NANOS, FrameClock.none())) {
            for (int i = 0; i < 100; i++) {
                assertTrue(one.transport.send(2, TestNode.raft(i)));
            }
            CompletableFuture<Frame> evictedCall = one.transport.call(2, TestNode.get("k"), WAIT);
            for (int i = 100; i < 110; i++) {
                one.transport.send(2, TestNode.raft(i));
            }
            assertEquals(101, one.transport.stats().dropped(DropReason.QUEUE_FULL));
            ExecutionException evicted = assertThrows(ExecutionException.class,
                    () -> evictedCall.get(5, TimeUnit.SECONDS));
            assertEquals(TransportException.Reason.OVERLOADED,
                    ((TransportException) evicted.getCause()).reason());
            try (TestNode two = TestNode.start(2)) {
                one.transport.setPeerAddress(2, two.address());
                for (int i = 100; i < 110; i++) {
                    Frame frame = two.poll(WAIT);
                    assertNotNull(frame, "queued frame " + i + " never arrived");
                    assertEquals(i, frame.getRaft().getHeartbeats(0).getGroupId());
                }
                assertNull(two.poll(Duration.ofMillis(100)), "more frames than the queue bound");
            }
        }
    }

    @Test
    void clusterMismatchIsRefusedOnBothSides() throws Exception {
        try (TestNode one = TestNode.start(1);
                TestNode two = TestNode.start(2, 0, TestNode.config(), "other-cluster",
                        TestNode.MAX_OFFSET_NANOS, FrameClock.none());
                TestNode three = TestNode.start(3, 0, TestNode.config(), TestNode.CLUSTER,
                        TestNode.MAX_OFFSET_NANOS * 2, FrameClock.none())) {
            one.transport.setPeerAddress(2, two.address());
            one.transport.setPeerAddress(3, three.address());
            one.transport.send(2, TestNode.raft(1));
            one.transport.send(3, TestNode.raft(1));
            assertTrue(eventually(WAIT,
                    () -> two.transport.stats().rejected(RejectReason.CLUSTER_MISMATCH) >= 1
                            && three.transport.stats().rejected(RejectReason.CLUSTER_MISMATCH) >= 1
                            && one.transport.stats().rejected(RejectReason.CLUSTER_MISMATCH) >= 2));
            assertEquals(0, two.transport.stats().connectionsEstablished());
            assertEquals(0, one.transport.stats().connectionsEstablished());
            assertNull(two.poll(Duration.ofMillis(50)));
            assertNull(three.poll(Duration.ofMillis(1)));
        }
    }

    @Test
    void refusedClockClosesOnlyThatConnection() throws Exception {
        // Node 2 refuses every frame stamped with a wall time of 13 (node 1's clock) ...
        FrameClock refusing = new FrameClock() {
            @Override
            public TimestampProto now() {
                return TimestampProto.newBuilder().setWallNanos(2).build();
            }

            @Override
            public void observe(long fromNodeId, TimestampProto remote) {
                if (remote.getWallNanos() == 13) {
                    throw new IllegalStateException("remote clock 13 is too far ahead");
                }
            }
        };
        FrameClock thirteen = new FrameClock() {
            @Override
            public TimestampProto now() {
                return TimestampProto.newBuilder().setWallNanos(13).build();
            }

            @Override
            public void observe(long fromNodeId, TimestampProto remote) {}
        };
        try (TestNode one = TestNode.start(1, 0, TestNode.config(), TestNode.CLUSTER,
                        TestNode.MAX_OFFSET_NANOS, thirteen);
                TestNode two = TestNode.start(2, 0, TestNode.config(), TestNode.CLUSTER,
                        TestNode.MAX_OFFSET_NANOS, refusing);
                TestNode three = TestNode.start(3)) {
            one.transport.setPeerAddress(2, two.address());
            two.transport.setPeerAddress(3, three.address());
            assertTrue(eventually(WAIT,
                    () -> two.transport.stats().rejected(RejectReason.CLOCK_REJECTED) >= 1));
            // ... and keeps serving node 3.
            assertEquals("ok", two.transport.call(3, TestNode.get("ok"), WAIT)
                    .get(5, TimeUnit.SECONDS).getKvResponse().getValue().toStringUtf8());
        }
    }

    @Test
    void closeIsFastIdempotentAndFailsPendingCalls() throws Exception {
        TestNode one = TestNode.start(1);
        TestNode two = TestNode.start(2);
        try {
            one.transport.setPeerAddress(2, two.address());
            CompletableFuture<Frame> pending = one.transport.call(2, TestNode.get("silent"), WAIT);
            long start = System.nanoTime();
            one.close();
            one.close();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(tookMillis < 1000, "close took " + tookMillis + " ms");
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> pending.get(1, TimeUnit.SECONDS));
            assertEquals(TransportException.Reason.CLOSED,
                    ((TransportException) failure.getCause()).reason());
            assertFalse(one.transport.send(2, TestNode.raft(1)));
            assertEquals(1, one.transport.stats().dropped(DropReason.CLOSED));
        } finally {
            two.close();
        }
    }

    @Test
    void oversizedOutgoingFrameIsRefusedAtTheSender() throws Exception {
        TransportConfig config = TestNode.config().withMaxFrameBytes(2048);
        try (TestNode one = TestNode.start(1, 0, config, TestNode.CLUSTER,
                TestNode.MAX_OFFSET_NANOS, FrameClock.none())) {
            Frame big = TestNode.get("x".repeat(4096));
            assertFalse(one.transport.send(2, big));
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> one.transport.call(2, big, WAIT).get(1, TimeUnit.SECONDS));
            assertEquals(TransportException.Reason.TOO_LARGE,
                    ((TransportException) failure.getCause()).reason());
            assertEquals(2, one.transport.stats().dropped(DropReason.TOO_LARGE));
        }
    }

    @Test
    void backoffDoublesFromMinimumToMaximum() {
        try (TestNode one = TestNode.start(1)) {
            AtomicLong previous = new AtomicLong();
            for (int failures = 0; failures < 100; failures++) {
                long delay = one.transport.backoffNanos(failures);
                assertTrue(delay >= previous.get(), "backoff shrank at " + failures);
                assertTrue(delay >= TimeUnit.MILLISECONDS.toNanos(20));
                assertTrue(delay <= TimeUnit.MILLISECONDS.toNanos(200));
                previous.set(delay);
            }
            assertEquals(TimeUnit.MILLISECONDS.toNanos(20), one.transport.backoffNanos(0));
            assertEquals(TimeUnit.MILLISECONDS.toNanos(40), one.transport.backoffNanos(1));
            assertEquals(TimeUnit.MILLISECONDS.toNanos(200), one.transport.backoffNanos(60));
        }
    }

    @Test
    void burstOfRaftFramesArrivesInOrderOrIsCountedAsDropped() throws Exception {
        int frames = 20_000;
        try (TestNode one = TestNode.start(1); TestNode two = TestNode.start(2)) {
            one.transport.setPeerAddress(2, two.address());
            assertEquals("warm", one.transport.call(2, TestNode.get("warm"), WAIT)
                    .get(5, TimeUnit.SECONDS).getKvResponse().getValue().toStringUtf8());
            assertNotNull(two.poll(WAIT)); // the "warm" request
            long start = System.nanoTime();
            int accepted = 0;
            for (int i = 0; i < frames; i++) {
                if (one.transport.send(2, TestNode.raft(i))) {
                    accepted++;
                }
            }
            long lastGroup = -1;
            for (int i = 0; i < accepted; i++) {
                Frame frame = two.poll(WAIT);
                assertNotNull(frame, "only " + i + " of " + accepted + " accepted frames arrived");
                long group = frame.getRaft().getHeartbeats(0).getGroupId();
                assertTrue(group > lastGroup, "frame " + group + " after " + lastGroup);
                lastGroup = group;
            }
            long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            assertEquals(frames - accepted, one.transport.stats().dropped(DropReason.BACKPRESSURE));
            assertTrue(accepted > frames / 2, "only " + accepted + " of " + frames + " accepted");
            System.out.printf("transport burst: %d of %d frames in %d ms (%d frames/s)%n",
                    accepted, frames, millis, accepted * 1000L / millis);
        }
    }

    @Test
    void changedAddressMovesTheConnection() throws Exception {
        try (TestNode one = TestNode.start(1);
                TestNode oldTwo = TestNode.start(2);
                TestNode newTwo = TestNode.start(2)) {
            one.transport.setPeerAddress(2, oldTwo.address());
            assertEquals("old", one.transport.call(2, TestNode.get("old"), WAIT)
                    .get(5, TimeUnit.SECONDS).getKvResponse().getValue().toStringUtf8());
            one.transport.setPeerAddress(2, newTwo.address());
            assertTrue(eventually(WAIT, () -> newTwo.transport.stats().connectionsEstablished() == 1));
            assertTrue(one.transport.send(2, TestNode.raft(5)));
            Frame frame;
            do {
                frame = newTwo.poll(WAIT);
            } while (frame != null && !frame.hasRaft());
            assertNotNull(frame, "no frame at the new address");
            assertEquals(5, frame.getRaft().getHeartbeats(0).getGroupId());
        }
    }

    @Test
    void wrongNodeAtTheDialedAddressIsRefused() throws Exception {
        try (TestNode one = TestNode.start(1); TestNode three = TestNode.start(3)) {
            one.transport.setPeerAddress(2, three.address());
            assertTrue(eventually(WAIT,
                    () -> one.transport.stats().rejected(RejectReason.PROTOCOL_VIOLATION) >= 1));
            assertEquals(0, one.transport.stats().connectionsEstablished());
        }
    }

    @Test
    void idleClientsAreClosedButIdlePeersAreNot() throws Exception {
        TransportConfig config = TestNode.config().withIdleTimeout(Duration.ofMillis(200));
        try (TestNode one = TestNode.start(1, 0, config, TestNode.CLUSTER,
                        TestNode.MAX_OFFSET_NANOS, FrameClock.none());
                TestNode two = TestNode.start(2, 0, config, TestNode.CLUSTER,
                        TestNode.MAX_OFFSET_NANOS, FrameClock.none());
                RpcClient client = RpcClient.connect(two.address(), config, FrameClock.none())) {
            one.transport.setPeerAddress(2, two.address());
            assertEquals("a", one.transport.call(2, TestNode.get("a"), WAIT)
                    .get(5, TimeUnit.SECONDS).getKvResponse().getValue().toStringUtf8());
            // On a cold JVM the first Hello may outlast the short idle timeout and be redialed;
            // what matters is that an established peer connection is never closed as idle.
            long established = one.transport.stats().connectionsEstablished();
            long reconnects = one.transport.stats().reconnects();
            assertEquals("c", client.call(TestNode.get("c"), WAIT)
                    .get(5, TimeUnit.SECONDS).getKvResponse().getValue().toStringUtf8());
            assertTrue(eventually(WAIT, () -> !client.isOpen()), "idle client still open");
            assertTrue(two.transport.stats().rejected(RejectReason.IDLE_TIMEOUT) >= 1);
            Thread.sleep(400); // two more idle periods for the peer connection
            assertEquals("b", one.transport.call(2, TestNode.get("b"), WAIT)
                    .get(5, TimeUnit.SECONDS).getKvResponse().getValue().toStringUtf8());
            assertEquals(established, one.transport.stats().connectionsEstablished());
            assertEquals(reconnects, one.transport.stats().reconnects());
        }
    }

    @Test
    void responsesNobodyWaitsForNeverReachTheHandler() throws Exception {
        try (TestNode one = TestNode.start(1); TestNode two = TestNode.start(2)) {
            one.transport.setPeerAddress(2, two.address());
            Frame error = Frame.newBuilder()
                    .setError(ErrorResponse.newBuilder().setCode(ErrorResponse.Code.BAD_REQUEST))
                    .build();
            assertTrue(one.transport.send(2, error));
            assertTrue(one.transport.send(2, error.toBuilder().setRequestId(99).build()));
            assertTrue(one.transport.send(2, TestNode.raft(3)));
            Frame frame = two.poll(WAIT);
            assertNotNull(frame);
            assertTrue(frame.hasRaft(), "handler got " + frame);
            assertEquals(2, two.transport.stats().dropped(DropReason.UNMATCHED_RESPONSE));
        }
    }
}

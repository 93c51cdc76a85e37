package io.conclave.node.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.node.rpc.Frame;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RpcClientTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void thousandConcurrentCallsFromFourThreadsAllGetTheirOwnResponse() throws Exception {
        // The node answers from another thread, as a real node does after a Raft round.
        ExecutorService answering = Executors.newSingleThreadExecutor();
        try (Transport node = Transport.start(7, TestNode.CLUSTER, TestNode.MAX_OFFSET_NANOS,
                        new InetSocketAddress("127.0.0.1", 0), TestNode.config(), FrameClock.none(),
                        (frame, connection) -> answering.execute(
                                () -> connection.send(TestNode.echo(frame))));
                RpcClient client = RpcClient.connect(node.listenAddress(), TestNode.config(),
                        FrameClock.none())) {
            ExecutorService callers = Executors.newFixedThreadPool(4);
            try {
                List<CompletableFuture<List<CompletableFuture<Frame>>>> batches = new ArrayList<>();
                for (int thread = 0; thread < 4; thread++) {
                    int base = thread * 250;
                    batches.add(CompletableFuture.supplyAsync(() -> {
                        List<CompletableFuture<Frame>> calls = new ArrayList<>();
                        for (int i = base; i < base + 250; i++) {
                            calls.add(client.call(TestNode.get("key-" + i), WAIT));
                        }
                        return calls;
                    }, callers));
                }
                int checked = 0;
                for (int thread = 0; thread < 4; thread++) {
                    List<CompletableFuture<Frame>> calls = batches.get(thread).get(10, TimeUnit.SECONDS);
                    for (int i = 0; i < calls.size(); i++) {
                        Frame response = calls.get(i).get(10, TimeUnit.SECONDS);
                        assertEquals("key-" + (thread * 250 + i),
                                response.getKvResponse().getValue().toStringUtf8());
                        assertEquals(7, response.getFromNode());
                        checked++;
                    }
                }
                assertEquals(1000, checked);
                assertEquals(1000, node.stats().framesIn());
                assertEquals(1, node.stats().connectionsAccepted());
            } finally {
                callers.shutdownNow();
            }
        } finally {
            answering.shutdownNow();
        }
    }

    /**
     * Clients on one shared loop: each gets its own node's answers; closing one closes only its
     * connection (the other keeps answering, a new one can join); closing the loop ends the rest.
     */
    @Test
    void clientsSharingALoopAreIndependentUntilTheLoopCloses() throws Exception {
        try (TestNode one = TestNode.start(1); TestNode two = TestNode.start(2)) {
            ClientEventLoop loop = ClientEventLoop.start("test-shared-client");
            try {
                RpcClient a = RpcClient.connect(one.address(), TestNode.config(), FrameClock.none(), loop);
                RpcClient b = RpcClient.connect(two.address(), TestNode.config(), FrameClock.none(), loop);
                List<CompletableFuture<Frame>> calls = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    calls.add((i % 2 == 0 ? a : b).call(TestNode.get("k" + i), WAIT));
                }
                for (int i = 0; i < 100; i++) {
                    Frame response = calls.get(i).get(10, TimeUnit.SECONDS);
                    assertEquals("k" + i, response.getKvResponse().getValue().toStringUtf8());
                    assertEquals(i % 2 == 0 ? 1 : 2, response.getFromNode());
                }
                a.close();
                assertFalse(a.isOpen());
                assertTrue(b.isOpen());
                assertEquals("after", b.call(TestNode.get("after"), WAIT).get(10, TimeUnit.SECONDS)
                        .getKvResponse().getValue().toStringUtf8());
                try (RpcClient again = RpcClient.connect(one.address(), TestNode.config(), FrameClock.none(), loop)) {
                    assertEquals(1, again.call(TestNode.get("x"), WAIT).get(10, TimeUnit.SECONDS).getFromNode());
                }
                loop.close();
                ExecutionException ended = assertThrows(ExecutionException.class,
                        () -> b.call(TestNode.get("late"), WAIT).get(10, TimeUnit.SECONDS));
                assertTrue(ended.getCause() instanceof TransportException, ended.toString());
                b.close();
            } finally {
                loop.close();
            }
        }
    }

    @Test
    void callTimesOutAndLateResponsesAreDropped() throws Exception {
        try (TestNode node = TestNode.start(1);
                RpcClient client = RpcClient.connect(node.address(), TestNode.config(),
                        FrameClock.none())) {
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> client.call(TestNode.get("silent"), Duration.ofMillis(100))
                            .get(5, TimeUnit.SECONDS));
            assertEquals(TransportException.Reason.TIMEOUT,
                    ((TransportException) failure.getCause()).reason());
            assertEquals("k", client.call(TestNode.get("k"), WAIT).get(5, TimeUnit.SECONDS)
                    .getKvResponse().getValue().toStringUtf8());
        }
    }

    @Test
    void pendingCallsFailWhenTheNodeGoesAway() throws Exception {
        TestNode node = TestNode.start(1);
        try (RpcClient client = RpcClient.connect(node.address(), TestNode.config(),
                FrameClock.none())) {
            CompletableFuture<Frame> pending = client.call(TestNode.get("silent"), WAIT);
            assertEquals(1, node.poll(WAIT).getRequestId());
            node.close();
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> pending.get(5, TimeUnit.SECONDS));
            assertEquals(TransportException.Reason.CONNECTION_LOST,
                    ((TransportException) failure.getCause()).reason());
            assertTrue(TestNode.eventually(WAIT, () -> !client.isOpen()));
            failure = assertThrows(ExecutionException.class,
                    () -> client.call(TestNode.get("k"), WAIT).get(5, TimeUnit.SECONDS));
            assertEquals(TransportException.Reason.CONNECTION_LOST,
                    ((TransportException) failure.getCause()).reason());
        } finally {
            node.close();
        }
    }

    @Test
    void connectToAClosedPortFailsWithAClearReason() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        TransportException failure = assertThrows(TransportException.class,
                () -> RpcClient.connect(new InetSocketAddress("127.0.0.1", port),
                        TestNode.config(), FrameClock.none()));
        assertEquals(TransportException.Reason.CONNECT_FAILED, failure.reason());
        assertTrue(failure.getMessage().contains(String.valueOf(port)), failure.getMessage());
    }

    /** A dial on a loop that cannot run (busy, or stuck) gives up after the connect timeout and a second. */
    @Test
    void aDialOnAStalledLoopGivesUpInsteadOfWaitingForever() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            ClientEventLoop loop = ClientEventLoop.start("test-stalled-client");
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            try {
                loop.group.execute(() -> {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                TransportConfig config = TestNode.config().withConnectTimeout(Duration.ofMillis(200));
                long start = System.nanoTime();
                TransportException failure = assertThrows(TransportException.class,
                        () -> RpcClient.connect(new InetSocketAddress("127.0.0.1", listening.getLocalPort()), config,
                                FrameClock.none(), loop));
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertEquals(TransportException.Reason.CONNECT_FAILED, failure.reason());
                assertTrue(failure.getMessage().contains("no outcome within"), failure.getMessage());
                assertTrue(millis < 10_000, "the dial gave up after " + millis + " ms");
            } finally {
                release.countDown();
                loop.close();
            }
        }
    }

    @Test
    void closeIsIdempotentAndRefusesLaterCalls() throws Exception {
        try (TestNode node = TestNode.start(1)) {
            RpcClient client = RpcClient.connect(node.address(), TestNode.config(),
                    FrameClock.none());
            CompletableFuture<Frame> pending = client.call(TestNode.get("silent"), WAIT);
            client.close();
            client.close();
            assertFalse(client.isOpen());
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> pending.get(1, TimeUnit.SECONDS));
            assertEquals(TransportException.Reason.CLOSED,
                    ((TransportException) failure.getCause()).reason());
            failure = assertThrows(ExecutionException.class,
                    () -> client.call(TestNode.get("k"), WAIT).get(1, TimeUnit.SECONDS));
            assertEquals(TransportException.Reason.CLOSED,
                    ((TransportException) failure.getCause()).reason());
        }
    }

    @Test
    void onlyRequestsMayBeCalled() throws Exception {
        try (TestNode node = TestNode.start(1);
                RpcClient client = RpcClient.connect(node.address(), TestNode.config(),
                        FrameClock.none())) {
            assertThrows(IllegalArgumentException.class,
                    () -> client.call(TestNode.raft(1), WAIT));
        }
    }
}

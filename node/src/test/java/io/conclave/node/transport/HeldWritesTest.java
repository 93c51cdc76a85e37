package io.conclave.node.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.node.rpc.Frame;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Writes held by one thread ({@link Transport#holdWrites}, the scheduler's batches) leave at its
 * release, every one of them on every connection, and not before; other threads are not held.
 */
class HeldWritesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private record Request(Frame frame, Connection connection) {}

    @Test
    void everyFrameHeldOnEveryConnectionLeavesAtTheRelease() throws Exception {
        LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
        ExecutorService holder = Executors.newSingleThreadExecutor();
        try (Transport node = Transport.start(7, TestNode.CLUSTER, TestNode.MAX_OFFSET_NANOS,
                        new InetSocketAddress("127.0.0.1", 0), TestNode.config(), FrameClock.none(),
                        (frame, connection) -> requests.add(new Request(frame, connection)));
                RpcClient one = RpcClient.connect(node.listenAddress(), TestNode.config(), FrameClock.none());
                RpcClient two = RpcClient.connect(node.listenAddress(), TestNode.config(), FrameClock.none())) {
            for (int round = 0; round < 3; round++) {
                List<CompletableFuture<Frame>> calls = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    calls.add((i % 2 == 0 ? one : two).call(TestNode.get("r" + round + "-" + i), WAIT));
                }
                List<Request> received = new ArrayList<>();
                while (received.size() < 50) {
                    Request r = requests.poll(10, TimeUnit.SECONDS);
                    assertTrue(r != null, "the node received " + received.size() + " of 50 requests");
                    received.add(r);
                }
                holder.submit(() -> {
                    node.holdWrites();
                    for (Request r : received) r.connection().send(TestNode.echo(r.frame()));
                }).get(10, TimeUnit.SECONDS);
                // Held: nothing may arrive before the release (the wait bounds how long we look).
                CompletableFuture<Object> any = CompletableFuture.anyOf(calls.toArray(CompletableFuture[]::new));
                assertThrows(java.util.concurrent.TimeoutException.class, () -> any.get(200, TimeUnit.MILLISECONDS),
                        "an answer left while its writes were held");
                // Another thread's write on a third connection is not held by the holder.
                try (RpcClient other = RpcClient.connect(node.listenAddress(), TestNode.config(), FrameClock.none())) {
                    CompletableFuture<Frame> free = other.call(TestNode.get("free"), WAIT);
                    Request r = requests.poll(10, TimeUnit.SECONDS);
                    r.connection().send(TestNode.echo(r.frame()));
                    assertEquals("free", free.get(10, TimeUnit.SECONDS).getKvResponse().getValue().toStringUtf8());
                }
                assertFalse(any.isDone());
                holder.submit(node::releaseWrites).get(10, TimeUnit.SECONDS);
                for (int i = 0; i < 50; i++) {
                    assertEquals("r" + round + "-" + i, calls.get(i).get(10, TimeUnit.SECONDS)
                            .getKvResponse().getValue().toStringUtf8(), "round " + round + " answer " + i);
                }
            }
        } finally {
            holder.shutdownNow();
        }
    }

    @Test
    void onlyOneThreadHoldsAndOnlyItReleases() throws Exception {
        HeldDrains drains = new HeldDrains();
        drains.hold();
        Thread other = new Thread(() -> {
            assertThrows(IllegalStateException.class, drains::hold);
            assertThrows(IllegalStateException.class, drains::release);
        });
        List<Throwable> failures = new ArrayList<>();
        other.setUncaughtExceptionHandler((t, e) -> failures.add(e));
        other.start();
        other.join(10_000);
        drains.release();
        assertEquals(List.of(), failures);
    }
}

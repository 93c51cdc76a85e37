package io.conclave.node.transport;

import com.google.protobuf.ByteString;
import io.conclave.node.rpc.Frame;
import io.conclave.range.rpc.CoalescedHeartbeat;
import io.conclave.range.rpc.KvGet;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.RaftBatch;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A transport on 127.0.0.1 that records every frame it receives and answers KV gets by echoing
 * the key, unless the key starts with "silent" (to provoke timeouts).
 */
final class TestNode implements AutoCloseable {
    static final String CLUSTER = "test-cluster";
    static final long MAX_OFFSET_NANOS = 500_000_000L;

    final long nodeId;
    final Transport transport;
    private final LinkedBlockingQueue<Frame> received;

    private TestNode(long nodeId, Transport transport, LinkedBlockingQueue<Frame> received) {
        this.nodeId = nodeId;
        this.transport = transport;
        this.received = received;
    }

    static TransportConfig config() {
        return TransportConfig.defaults()
                .withReconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    static TestNode start(long nodeId) {
        return start(nodeId, 0, config(), CLUSTER, MAX_OFFSET_NANOS, FrameClock.none());
    }

    static TestNode start(long nodeId, int port, TransportConfig config, String cluster,
            long maxOffsetNanos, FrameClock clock) {
        LinkedBlockingQueue<Frame> received = new LinkedBlockingQueue<>();
        Transport transport = Transport.start(nodeId, cluster, maxOffsetNanos,
                new InetSocketAddress("127.0.0.1", port), config, clock,
                (frame, connection) -> {
                    received.add(frame);
                    if (frame.hasKvRequest() && !frame.getKvRequest().getGet().getKey()
                            .toStringUtf8().startsWith("silent")) {
                        connection.send(echo(frame));
                    }
                });
        return new TestNode(nodeId, transport, received);
    }

    Frame poll(Duration timeout) throws InterruptedException {
        return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int pending() {
        return received.size();
    }

    InetSocketAddress address() {
        return transport.listenAddress();
    }

    @Override
    public void close() {
        transport.close();
    }

    static Frame echo(Frame request) {
        return Frame.newBuilder()
                .setRequestId(request.getRequestId())
                .setKvResponse(KvResponse.newBuilder().setFound(true)
                        .setValue(request.getKvRequest().getGet().getKey()))
                .build();
    }

    static Frame raft(long groupId) {
        return Frame.newBuilder()
                .setRaft(RaftBatch.newBuilder()
                        .addHeartbeats(CoalescedHeartbeat.newBuilder().setGroupId(groupId).setTerm(1)))
                .build();
    }

    static Frame get(String key) {
        return Frame.newBuilder()
                .setKvRequest(KvRequest.newBuilder()
                        .setGet(KvGet.newBuilder().setKey(ByteString.copyFromUtf8(key))))
                .build();
    }

    /** Waits up to {@code timeout} for {@code condition}; real time, since this is real I/O. */
    static boolean eventually(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(5);
        }
        return condition.getAsBoolean();
    }
}

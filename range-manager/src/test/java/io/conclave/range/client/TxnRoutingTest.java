package io.conclave.range.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvGet;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.RangeReply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The client additions transactions use: the generic routed send, WRITE_INTENT, ranges, now. */
class TxnRoutingTest {
    private final FakeCluster cluster = new FakeCluster(3, 5);
    private final ManualTime time = new ManualTime();
    /** Answers WRITE_INTENT to this many get requests before serving them. */
    private final AtomicInteger intentAnswers = new AtomicInteger();

    private final NodeDialer dialer = new NodeDialer() {
        @Override
        public CompletableFuture<RangeReply> send(String hostPort, KvRequest request) {
            if (request.hasGet() && request.getRangeId() != 1 && intentAnswers.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return CompletableFuture.completedFuture(RangeReply.newBuilder().setError(ErrorResponse.newBuilder()
                        .setCode(ErrorResponse.Code.WRITE_INTENT).setMessage("intent on the key")).build());
            }
            return cluster.send(hostPort, request);
        }

        @Override
        public CompletableFuture<RangeReply> sendAdmin(String hostPort, AdminRequest request) {
            if (request.hasNow()) {
                long node = FakeCluster.nodeOf(hostPort);
                cluster.log.add("n" + node + " now");
                if (cluster.down.getOrDefault(node, false)) {
                    return CompletableFuture.failedFuture(new NotSentException("connection refused: " + hostPort, null));
                }
                return CompletableFuture.completedFuture(RangeReply.newBuilder().setAdminResponse(AdminResponse.newBuilder()
                        .setNodeId(node)).build());
            }
            return cluster.sendAdmin(hostPort, request);
        }

        @Override
        public void close() {}
    };

    private RangeClient client() {
        return new RangeClient(dialer, List.of(FakeCluster.addr(2)), RangeClientSettings.defaults(), time, 7);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aNonTransactionalReadWaitsOutAnIntent() {
        try (RangeClient c = client()) {
            c.put(b("a"), b("1"));
            intentAnswers.set(3);
            long before = time.nanoTime();
            assertEquals("1", new String(c.get(b("a")).orElseThrow(), StandardCharsets.UTF_8));
            assertTrue(time.nanoTime() > before, "it backed off between the attempts");
            assertEquals(0, intentAnswers.get());
        }
    }

    @Test
    void theGenericSendSurfacesWriteIntentWithTheNodesAnswer() {
        try (RangeClient c = client()) {
            intentAnswers.set(1);
            KvRequest get = KvRequest.newBuilder().setGet(KvGet.newBuilder().setKey(RangeClient.bytes(b("a")))).build();
            KvException e = assertThrows(KvException.class, () -> c.send(b("a"), get, true));
            assertEquals(ErrorResponse.Code.WRITE_INTENT, e.code());
            assertEquals("intent on the key", e.error().getMessage());
            c.put(b("a"), b("2"));
            assertEquals("2", new String(c.send(b("a"), get, true).getValue().toByteArray(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aBuilderMayRefuseTheRangeWithoutSending() {
        try (RangeClient c = client()) {
            c.rangeFor(b("a"));
            int sizeBefore = cluster.log.size();
            assertThrows(RangeChangedException.class, () -> c.sendRouted(b("a"), d -> {
                throw new RangeChangedException("keys span a split");
            }, false));
            assertTrue(cluster.log.subList(sizeBefore, cluster.log.size()).stream().noneMatch(l -> l.endsWith("r2")),
                    "nothing was sent to the range: " + cluster.log);
        }
    }

    @Test
    void nowStartsAtTheNodeThatAnsweredLast() {
        cluster.down.put(2L, true);
        try (RangeClient c = new RangeClient(dialer, List.of(FakeCluster.addr(2), FakeCluster.addr(3)),
                RangeClientSettings.defaults(), time, 7)) {
            assertEquals(3, c.now().getNodeId());
            int before = cluster.log.size();
            assertEquals(3, c.now().getNodeId());
            assertEquals(before + 1, cluster.log.size(), "no attempt at the dead node first");
        }
    }

    @Test
    void rangesOverlappingAndNow() {
        try (RangeClient c = client()) {
            List<RangeDescriptor> all = c.rangesOverlapping(b("a"), b("z"));
            assertEquals(1, all.size());
            assertEquals(2, all.get(0).getRangeId());
            assertEquals(2, c.now().getNodeId());
        }
    }
}

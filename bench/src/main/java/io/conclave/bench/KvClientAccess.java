package io.conclave.bench;

import io.conclave.node.client.Clients;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.RangeClientSettings;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.StatusRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@link NodeAccess} over the node's public client API. Two writers: {@code routing} (default), an
 * asynchronous range-aware writer over the node's {@code RpcClient}, and {@code kvclient}, the
 * blocking {@link RangeClient} (range cache, leaseholder routing, retries), which keeps its
 * in-flight puts outstanding with that many threads, each waiting on one put.
 */
final class KvClientAccess implements NodeAccess {
    enum Writer { routing, kvclient }

    private final Writer kind;

    KvClientAccess(Writer kind) {
        this.kind = kind;
    }

    /** Deadlines for the benchmark: an overloaded cluster shows as latency, a dead one as errors. */
    static final RangeClientSettings SETTINGS = new RangeClientSettings(Duration.ofSeconds(5), Duration.ofSeconds(20),
            Duration.ofMillis(10), Duration.ofMillis(200), 16);

    @Override
    public KvWriter writer(List<String> addresses, int maxInFlight, int groupCount, Map<Long, String> leaderByGroup) {
        if (kind == Writer.routing) return new RoutingWriter(addresses, groupCount, leaderByGroup);
        return new BlockingWriter(Clients.connect(addresses, SETTINGS), maxInFlight);
    }

    @Override
    public List<GroupStatus> status(String address) {
        try (RangeClient client = Clients.connect(List.of(address), SETTINGS)) {
            return client.admin(address, AdminRequest.newBuilder().setStatus(StatusRequest.getDefaultInstance())
                    .build()).getGroupsList();
        }
    }

    /** Runs each blocking put on a pool of {@code maxInFlight} threads. */
    static final class BlockingWriter implements KvWriter {
        private final RangeClient client;
        private final ExecutorService pool;

        BlockingWriter(RangeClient client, int threads) {
            this.client = client;
            this.pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "bench-put");
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        public CompletableFuture<?> put(byte[] key, byte[] value) {
            return CompletableFuture.runAsync(() -> client.put(key, value), pool);
        }

        @Override
        public void close() {
            pool.shutdownNow();
            try {
                pool.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            client.close();
        }
    }
}

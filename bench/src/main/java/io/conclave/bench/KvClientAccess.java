package io.conclave.bench;

import io.conclave.node.KvClient;
import io.conclave.range.rpc.GroupStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@link NodeAccess} over the node's public client API. Two writers: {@code routing} (default), an
 * asynchronous leader-aware client over the node's {@code RpcClient}, and {@code kvclient}, the
 * blocking {@link KvClient}, which keeps its in-flight puts outstanding with that many threads,
 * each waiting on one put (and which follows NOT_LEADER hints with one preferred node for all
 * keys, so with many groups most puts take a redirect).
 */
final class KvClientAccess implements NodeAccess {
    enum Writer { routing, kvclient }

    private final Writer kind;

    KvClientAccess(Writer kind) {
        this.kind = kind;
    }

    /** Deadlines for the benchmark: an overloaded cluster shows as latency, a dead one as errors. */
    static final KvClient.Options OPTIONS = new KvClient.Options(Duration.ofSeconds(5), Duration.ofSeconds(20), 20,
            Duration.ofMillis(10), Duration.ofMillis(200));

    @Override
    public KvWriter writer(List<String> addresses, int maxInFlight, int groupCount, Map<Long, String> leaderByGroup) {
        if (kind == Writer.routing) return new RoutingWriter(addresses, groupCount, leaderByGroup);
        return new BlockingWriter(KvClient.connect(addresses, OPTIONS), maxInFlight);
    }

    @Override
    public List<GroupStatus> status(String address) {
        try (KvClient client = KvClient.connect(List.of(address), OPTIONS)) {
            return client.status(address);
        }
    }

    /** Runs each blocking put on a pool of {@code maxInFlight} threads. */
    static final class BlockingWriter implements KvWriter {
        private final KvClient client;
        private final ExecutorService pool;

        BlockingWriter(KvClient client, int threads) {
            this.client = client;
            this.pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "bench-put");
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        public CompletableFuture<?> put(byte[] key, byte[] value) {
            return CompletableFuture.supplyAsync(() -> client.put(key, value), pool);
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

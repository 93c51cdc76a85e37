package io.conclave.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.Keys;
import io.conclave.range.client.RangeClient;
import io.conclave.range.multiraft.SchedulerSettings;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three coordinators hammer two keys on two ranges of a real 3-node cluster, each writing both
 * in every transaction (alternately read-modify-write and blind): their parallel prepares meet
 * each other's intents in either order, so they wait at the keys and records, and some form
 * deadlocks, which the wait queues break. Both keys always hold the same transaction's value,
 * and no transaction waits anywhere near a record's 5 s expiry.
 */
class TxnContentionClusterTest {
    @TempDir
    Path dir;

    private static byte[] key(RangeDescriptor d, String suffix) {
        byte[] start = d.getStartKey().toByteArray();
        byte[] s = suffix.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(start, start.length + s.length);
        System.arraycopy(s, 0, out, start.length, s.length);
        return out;
    }

    private static long num(java.util.Optional<byte[]> v) {
        return v.map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L);
    }

    private static byte[] num(long n) {
        return ByteBuffer.allocate(8).putLong(n).array();
    }

    @Test
    void contendedTwoRangeWritersStayAtomicAndNoneWaitsForAnExpiry() throws Exception {
        int coordinators = 3;
        int each = 8;
        try (TestCluster cluster = new TestCluster(dir, 3, SchedulerSettings.defaults(), 2);
                RangeClient admin = cluster.client(1, 2, 3)) {
            cluster.awaitLeader(admin, 3);
            List<RangeDescriptor> user = new ArrayList<>();
            for (RangeDescriptor d : admin.allRanges()) {
                if (Keys.compare(d.getStartKey().toByteArray(), Keys.USER_START) >= 0) user.add(d);
            }
            assertEquals(2, user.size(), user.toString());
            byte[][] keys = {key(user.get(0), "contended"), key(user.get(1), "contended")};
            Map<String, Integer> restarts = new ConcurrentHashMap<>();
            AtomicLong longestNanos = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(coordinators);
            List<RangeClient> clients = new ArrayList<>();
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < coordinators; c++) {
                    RangeClient rc = cluster.client(c % 3 + 1);
                    clients.add(rc);
                    TxnClient txns = new TxnClient(rc, TxnSettings.builder().commitWait(false).maxAttempts(30)
                            .deadline(Duration.ofSeconds(20)).build());
                    int first = c % 2;
                    int writer = c;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < 2 * each; i++) {
                            boolean blind = i % 2 == 1;
                            int n = i;
                            long began = System.nanoTime();
                            Map<String, Integer> reasons = txns.run(t -> {
                                byte[] k1 = keys[first];
                                byte[] k2 = keys[1 - first];
                                if (blind) {
                                    // Nothing read, nothing to refresh: every conflict is a wait.
                                    t.put(k1, num(writer * 1000L + n));
                                    t.put(k2, num(writer * 1000L + n));
                                } else {
                                    long v1 = num(t.get(k1));
                                    long v2 = num(t.get(k2));
                                    t.put(k1, num(v1 + 1));
                                    t.put(k2, num(v2 + 1));
                                }
                                return t.stats().restartReasons();
                            });
                            reasons.forEach((r, count) -> restarts.merge(r, count, Integer::sum));
                            longestNanos.accumulateAndGet(System.nanoTime() - began, Math::max);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get(90, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
                for (RangeClient rc : clients) rc.close();
            }
            try (TxnClient reader = new TxnClient(admin, TxnSettings.builder().build())) {
                long[] seen = reader.run(t -> new long[] {num(t.get(keys[0])), num(t.get(keys[1]))});
                assertEquals(seen[0], seen[1], "both keys were last written by the same transaction");
            }
            assertTrue(longestNanos.get() < TimeUnit.SECONDS.toNanos(5), "the longest transaction took "
                    + longestNanos.get() / 1_000_000 + " ms: a wait ended by a record's expiry, not by detection");
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
            System.out.println("restarts by reason over " + coordinators * 2 * each + " transactions: " + restarts);
        }
    }
}

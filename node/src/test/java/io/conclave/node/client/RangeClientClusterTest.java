package io.conclave.node.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.Keys;
import io.conclave.range.client.ConditionFailedException;
import io.conclave.range.client.KeyValue;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.SplitResult;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.RangeDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The range client over the Netty transport against real in-JVM nodes. */
class RangeClientClusterTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void everyKvOperationOverThreeNodes(@TempDir Path dir) throws Exception {
        try (ClientCluster cluster = new ClientCluster(dir, 3); RangeClient c = cluster.client(DEADLINE)) {
            c.put(b("a"), b("1"));
            assertEquals("1", s(c.get(b("a")).orElseThrow()));
            assertTrue(c.get(b("b")).isEmpty());
            c.conditionalPut(b("a"), b("2"), Optional.of(b("1")));
            ConditionFailedException failed = assertThrows(ConditionFailedException.class,
                    () -> c.conditionalPut(b("a"), b("3"), Optional.empty()));
            assertEquals("2", s(failed.actual().orElseThrow()));
            assertEquals(7, c.increment(b("n"), 7));
            assertEquals(5, c.increment(b("n"), -2));
            c.delete(b("a"));
            assertTrue(c.get(b("a")).isEmpty());
            for (int i = 0; i < 30; i++) c.put(b(String.format("k%03d", i)), b("v" + i));
            assertEquals(30, c.scan(b("k"), b("l"), 100).size());
            assertEquals(10, c.scan(b("k"), b("l"), 10).size());
            assertEquals(30, c.deleteRange(b("k"), b("l")));
            assertTrue(c.scan(b("k"), b("l"), 100).isEmpty());
            List<RangeDescriptor> ranges = c.allRanges();
            assertEquals(List.of(1L, 2L), ranges.stream().map(RangeDescriptor::getRangeId).toList());
        }
    }

    /** Writers and readers run while another client splits: nothing acknowledged is lost. */
    @Test
    void splitsUnderConcurrentWritesAndScans(@TempDir Path dir) throws Exception {
        try (ClientCluster cluster = new ClientCluster(dir, 3);
                RangeClient writer = cluster.client(DEADLINE);
                RangeClient admin = cluster.client(DEADLINE)) {
            writer.put(b("k000"), b("warm"));
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            acknowledged.add("k000");
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                final int first = t;
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 1 + first; i < 400 && !stop.get(); i += 2) {
                            String key = String.format("k%03d", i);
                            writer.put(b(key), b("v" + i));
                            acknowledged.add(key);
                            List<KeyValue> rows = writer.scan(b("k"), b("l"), 1000);
                            for (int r = 1; r < rows.size(); r++) {
                                if (Keys.compare(rows.get(r - 1).key(), rows.get(r).key()) >= 0) {
                                    throw new AssertionError("scan out of order at " + rows.get(r));
                                }
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "writer-" + t);
                th.start();
                threads.add(th);
            }
            List<SplitResult> splits = new ArrayList<>();
            for (String at : List.of("k100", "k200", "k300", "k050")) {
                splits.add(admin.split(b(at)));
                TimeUnit.MILLISECONDS.sleep(200);
            }
            stop.set(true);
            for (Thread th : threads) th.join(TimeUnit.SECONDS.toMillis(60));
            if (failure.get() != null) throw new AssertionError("a writer failed", failure.get());

            // The writer's cache predates the splits: its reads heal through RANGE_KEY_MISMATCH.
            List<KeyValue> rows = writer.scan(b("k"), b("l"), 1000);
            Set<String> seen = ConcurrentHashMap.newKeySet();
            for (KeyValue kv : rows) seen.add(s(kv.key()));
            assertTrue(seen.containsAll(acknowledged), "lost: " + diff(acknowledged, seen));
            assertEquals("warm", s(writer.get(b("k000")).orElseThrow()));
            assertEquals(6, admin.allRanges().size());
            assertEquals(splits.get(2).right().getRangeId(), writer.rangeFor(b("k350")).getRangeId());
            assertEquals(4, splits.stream().map(r -> r.right().getRangeId()).distinct().count());
        }
    }

    @Test
    void aStoppedNodeIsRoutedAround(@TempDir Path dir) throws Exception {
        try (ClientCluster cluster = new ClientCluster(dir, 3); RangeClient c = cluster.client(DEADLINE)) {
            c.put(b("a"), b("1"));
            GroupStatus serving = c.leaseholderStatus(2);
            long holder = serving.getLease().getHolder() != 0 ? serving.getLease().getHolder() : serving.getLeader();
            cluster.stop(holder);
            // The lease must run out (9 s plus the maximum offset) before another node serves.
            assertEquals("1", s(c.get(b("a")).orElseThrow()));
            c.put(b("b"), b("2"));
            assertEquals(2, c.scan(b("a"), b("c"), 10).size());
        }
    }

    /** The only seed dies: the client reaches the others through addresses it learned (liveness records, hints). */
    @Test
    void aClientWithOneSeedFindsTheOthersThroughLiveness(@TempDir Path dir) throws Exception {
        try (ClientCluster cluster = new ClientCluster(dir, 3); RangeClient all = cluster.client(DEADLINE)) {
            all.put(b("a"), b("1"));
            long holder = all.leaseholderStatus(2).getLease().getHolder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (all.scan(Keys.livenessStart(), Keys.livenessEnd(), 10).size() < 3) {
                assertTrue(System.nanoTime() < deadline, "every node writes its liveness record");
                TimeUnit.MILLISECONDS.sleep(100);
            }
            try (RangeClient one = Clients.connect(List.of(cluster.hostPort(holder)),
                    io.conclave.range.client.RangeClientSettings.defaults().withDeadline(DEADLINE))) {
                assertEquals("1", s(one.get(b("a")).orElseThrow()));
                cluster.stop(holder);
                assertEquals("1", s(one.get(b("a")).orElseThrow()));
                one.put(b("b"), b("2"));
            }
        }
    }

    private static Set<String> diff(Set<String> a, Set<String> b) {
        Set<String> out = ConcurrentHashMap.newKeySet();
        out.addAll(a);
        out.removeAll(b);
        return out;
    }
}

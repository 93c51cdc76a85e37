package io.conclave.range.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.Keys;
import io.conclave.range.client.FakeCluster.Fault;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.RangeDescriptor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The client's routing and retry policy against {@link FakeCluster}, on virtual time. */
class RangeClientTest {
    private final FakeCluster cluster = new FakeCluster(3, 5);
    private final ManualTime time = new ManualTime();

    private RangeClient client(String... seeds) {
        return new RangeClient(cluster, List.of(seeds), RangeClientSettings.defaults(), time, 42);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void everyKvOperation() {
        try (RangeClient c = client(FakeCluster.addr(2))) {
            c.put(b("a"), b("1"));
            assertEquals("1", s(c.get(b("a")).orElseThrow()));
            assertTrue(c.get(b("zz")).isEmpty());
            c.conditionalPut(b("a"), b("2"), Optional.of(b("1")));
            ConditionFailedException failed = assertThrows(ConditionFailedException.class,
                    () -> c.conditionalPut(b("a"), b("3"), Optional.empty()));
            assertEquals("2", s(failed.actual().orElseThrow()));
            c.conditionalPut(b("new"), b("x"), Optional.empty());
            assertEquals(5, c.increment(b("n"), 5));
            assertEquals(3, c.increment(b("n"), -2));
            c.delete(b("new"));
            assertTrue(c.get(b("new")).isEmpty());
            for (int i = 0; i < 12; i++) c.put(b("k" + (char) ('a' + i)), b("v" + i));
            List<KeyValue> rows = c.scan(b("k"), b("l"), 100);
            assertEquals(12, rows.size(), "the node's 5-row bound is crossed with resume keys");
            assertEquals(7, c.scan(b("k"), b("l"), 7).size());
            assertEquals(12, c.deleteRange(b("k"), b("l")));
            assertTrue(c.scan(b("k"), b("l"), 100).isEmpty());
            c.putAll(List.of(new KeyValue(b("p1"), b("1")), new KeyValue(b("p2"), b("2"))));
            List<Optional<byte[]>> got = c.getAll(List.of(b("p1"), b("p2"), b("p3")));
            assertEquals("2", s(got.get(1).orElseThrow()));
            assertTrue(got.get(2).isEmpty());
        }
    }

    @Test
    void clientSideLimitsGiveClearErrors() {
        try (RangeClient c = client(FakeCluster.addr(1))) {
            KvException e = assertThrows(KvException.class, () -> c.put(new byte[300], b("x")));
            assertEquals(ErrorResponse.Code.TOO_LARGE, e.code());
            e = assertThrows(KvException.class, () -> c.put(new byte[] {1, 2}, b("x")));
            assertEquals(ErrorResponse.Code.BAD_REQUEST, e.code());
            e = assertThrows(KvException.class, () -> c.put(b("k"), new byte[Keys.MAX_VALUE_BYTES + 1]));
            assertEquals(ErrorResponse.Code.TOO_LARGE, e.code());
            assertEquals(0, cluster.requests.get());
        }
    }

    @Test
    void followsTheLeaseholderHintAndCachesIt() {
        cluster.leaseholder.put(2L, 3L);
        try (RangeClient c = client(FakeCluster.addr(1))) {
            c.put(b("a"), b("1"));
            int before = cluster.requests.get();
            c.get(b("a"));
            assertEquals(before + 1, cluster.requests.get(), "the second request goes straight to the holder");
            assertTrue(cluster.log.get(cluster.log.size() - 1).startsWith("n3"));
        }
    }

    @Test
    void noHintMeansBackOffAndTryOthers() {
        try (RangeClient c = client(FakeCluster.addr(1), FakeCluster.addr(2))) {
            cluster.noLeaseholderAnswers = 6;
            c.put(b("a"), b("1"));
            assertArrayEquals(b("1"), cluster.data.get(b("a")));
        }
    }

    @Test
    void staleCacheAfterSplitHealsThroughRangeKeyMismatch() {
        try (RangeClient c = client(FakeCluster.addr(1))) {
            c.put(b("a"), b("1"));
            c.put(b("m"), b("2"));
            assertEquals(2, c.rangeFor(b("m")).getRangeId());
            // Split behind the client's back; meta is not updated yet.
            FakeCluster.SplitResultPair p = cluster.splitOnNodes(2, b("h"), 3);
            assertEquals("2", s(c.get(b("m")).orElseThrow()));
            assertEquals(3, c.rangeFor(b("m")).getRangeId());
            assertEquals(2, c.rangeFor(b("a")).getRangeId());
            assertEquals(2, c.scan(b("a"), b("z"), 10).size());
            cluster.writeMeta(p.right());
            cluster.writeMeta(p.left());
        }
    }

    @Test
    void splitAllocatesAnIdSplitsAndWritesMetaAndScansCrossRanges() {
        try (RangeClient c = client(FakeCluster.addr(2))) {
            for (int i = 0; i < 26; i++) c.put(b("k" + (char) ('a' + i)), b("v" + i));
            SplitResult r1 = c.split(b("kh"));
            SplitResult r2 = c.split(b("kq"));
            assertEquals(3, r1.right().getRangeId());
            assertEquals(4, r2.right().getRangeId());
            assertEquals(2, r2.left().getRangeId() == 3 ? 2 : -1);
            List<RangeDescriptor> all = c.allRanges();
            assertEquals(List.of(1L, 2L, 3L, 4L), all.stream().map(RangeDescriptor::getRangeId).toList());
            assertEquals(r2.right(), c.metaRecord(Keys.KEY_MAX).orElseThrow());
            List<KeyValue> rows = c.scan(b("k"), b("l"), 100);
            assertEquals(26, rows.size());
            for (int i = 1; i < rows.size(); i++) {
                assertTrue(Keys.compare(rows.get(i - 1).key(), rows.get(i).key()) < 0, "key order");
            }
            assertEquals(10, c.scan(b("kc"), b("l"), 10).size());
            assertEquals("kc", s(c.scan(b("kc"), b("l"), 10).get(0).key()));
            KvException e = assertThrows(KvException.class, () -> c.split(b("kh")));
            assertEquals(ErrorResponse.Code.BAD_REQUEST, e.code());
            assertEquals(26, c.deleteRange(b("k"), b("l")));
        }
    }

    @Test
    void aSplitAfterALostMetaUpdateFillsMetaWithEveryPiece() {
        try (RangeClient c = client(FakeCluster.addr(1))) {
            c.put(b("a"), b("1"));
            // A split whose splitter died before its meta update: meta still names r2 for all keys.
            cluster.splitOnNodes(2, b("h"), 3);
            cluster.data.put(Keys.rangeIdCounterKey(), java.nio.ByteBuffer.allocate(8).putLong(3).array());
            c.put(b("m"), b("2")); // RANGE_KEY_MISMATCH names both halves
            SplitResult r = c.split(b("t"));
            assertEquals(4, r.right().getRangeId());
            List<RangeDescriptor> all = c.allRanges();
            assertEquals(List.of(1L, 2L, 3L, 4L), all.stream().map(RangeDescriptor::getRangeId).toList(), all.toString());
            List<byte[]> keys = new ArrayList<>();
            for (RangeDescriptor d : all) keys.add(Keys.metaKey(d.getEndKey().toByteArray()));
            assertEquals(null, io.conclave.range.MetaRecords.tilingProblem(keys, all));
            assertEquals("h", s(all.get(1).getEndKey().toByteArray()));
        }
    }

    @Test
    void aStaleClientFindsTheSplitThroughMeta() {
        try (RangeClient writer = client(FakeCluster.addr(1)); RangeClient other = client(FakeCluster.addr(3))) {
            other.put(b("x"), b("1"));
            writer.split(b("p"));
            writer.split(b("t"));
            assertEquals("1", s(other.get(b("x")).orElseThrow()));
            assertEquals(4, other.rangeFor(b("x")).getRangeId());
        }
    }

    @Test
    void aSplitPlannedOnAStaleDescriptorIsReplanned() {
        try (RangeClient a = client(FakeCluster.addr(1)); RangeClient b = client(FakeCluster.addr(2))) {
            a.put(b("c"), b("1"));
            b.split(b("m"));
            SplitResult r = a.split(b("f"));
            assertEquals(2, r.left().getRangeId());
            assertEquals("m", s(r.right().getEndKey().toByteArray()));
            assertEquals(2, r.left().getGeneration());
        }
    }

    /**
     * Meta lags a replica change (its record is written after the change, or repaired later):
     * the split is planned on meta's older generation, refused, and re-planned on the
     * leaseholder's own descriptor instead of on meta again, which would be refused every time.
     */
    @Test
    void aSplitPlannedOnMetaThatLagsAReplicaChangeIsReplannedOnTheLeaseholdersDescriptor() {
        try (RangeClient c = client(FakeCluster.addr(1))) {
            c.put(b("c"), b("1"));
            c.split(b("m")); // r2 at generation 1 in meta and in the client's cache
            for (var mine : cluster.replicas.values()) {
                RangeDescriptor d = mine.get(2L);
                mine.put(2L, d.toBuilder().setGeneration(d.getGeneration() + 5).build());
            }
            SplitResult r = c.split(b("f"));
            assertEquals(2, r.left().getRangeId());
            assertEquals("f", s(r.left().getEndKey().toByteArray()));
            assertEquals(7, r.left().getGeneration());
        }
    }

    @Test
    void aDownNodeIsSkipped() {
        try (RangeClient c = client(FakeCluster.addr(1), FakeCluster.addr(2), FakeCluster.addr(3))) {
            c.put(b("a"), b("1"));
            cluster.down.put(1L, true);
            cluster.leaseholder.put(1L, 2L);
            cluster.leaseholder.put(2L, 2L);
            assertEquals("1", s(c.get(b("a")).orElseThrow()));
            c.put(b("b"), b("2"));
        }
    }

    @Test
    void nodeAddressesAreLearnedFromLivenessRecords() {
        for (long n = 1; n <= 3; n++) {
            cluster.data.put(Keys.livenessKey(n), io.conclave.range.rpc.NodeLiveness.newBuilder().setNodeId(n)
                    .setAddress(FakeCluster.addr(n)).build().toByteArray());
        }
        try (RangeClient c = client(FakeCluster.addr(1))) {
            c.put(b("a"), b("1"));
            assertEquals(Optional.of(FakeCluster.addr(3)), c.nodeAddress(3));
            // The only seed dies; the client still reaches the others.
            cluster.down.put(1L, true);
            cluster.leaseholder.put(2L, 3L);
            assertEquals("1", s(c.get(b("a")).orElseThrow()));
        }
    }

    @Test
    void writesAreNeverReplayedAfterAnAmbiguousFailure() {
        try (RangeClient c = client(FakeCluster.addr(1))) {
            c.put(b("warm"), b("up"));
            // A replayed put could revert another client's later write: the caller hears AMBIGUOUS.
            cluster.fault(1, Fault.LOST_AFTER_APPLY);
            KvException e = assertThrows(KvException.class, () -> c.put(b("a"), b("1")));
            assertEquals(ErrorResponse.Code.AMBIGUOUS_RESULT, e.code());
            assertEquals("1", s(c.get(b("a")).orElseThrow()), "applied once");
            cluster.fault(1, Fault.AMBIGUOUS_AFTER_APPLY);
            e = assertThrows(KvException.class, () -> c.delete(b("a")));
            assertEquals(ErrorResponse.Code.AMBIGUOUS_RESULT, e.code());
            assertTrue(c.get(b("a")).isEmpty());
            // Reads are replayed freely.
            cluster.fault(1, Fault.LOST_AFTER_APPLY);
            assertEquals("up", s(c.get(b("warm")).orElseThrow()));

            cluster.fault(1, Fault.LOST_AFTER_APPLY);
            e = assertThrows(KvException.class, () -> c.increment(b("n"), 1));
            assertEquals(ErrorResponse.Code.AMBIGUOUS_RESULT, e.code());
            assertEquals(1, c.increment(b("n"), 0), "applied once, never retried");

            cluster.fault(1, Fault.AMBIGUOUS_AFTER_APPLY);
            e = assertThrows(KvException.class, () -> c.conditionalPut(b("c"), b("1"), Optional.empty()));
            assertEquals(ErrorResponse.Code.AMBIGUOUS_RESULT, e.code());

            // A request that certainly never left may be retried even if not idempotent.
            cluster.fault(1, Fault.NOT_SENT);
            assertEquals(2, c.increment(b("n"), 1));
            // A node's TIMEOUT answer means never proposed: retried too.
            cluster.fault(1, Fault.TIMEOUT_UNPROPOSED);
            assertEquals(3, c.increment(b("n"), 1));
        }
    }

    @Test
    void theDeadlineBoundsEveryCall() {
        try (RangeClient c = client(FakeCluster.addr(1))) {
            c.put(b("a"), b("1"));
            long start = time.nanoTime();
            cluster.down.put(1L, true);
            KvException e = assertThrows(KvException.class, () -> c.get(b("a")));
            assertEquals(ErrorResponse.Code.TIMEOUT, e.code());
            assertTrue(e.getMessage().contains("get a") && e.getMessage().contains("last problem"), e.getMessage());
            long took = time.nanoTime() - start;
            assertTrue(took <= Duration.ofSeconds(15).toNanos(), "took " + took);
        }
    }

    @Test
    void anUninitializedClusterIsAClearTimeout() {
        cluster.data.clear();
        try (RangeClient c = client(FakeCluster.addr(1))) {
            KvException e = assertThrows(KvException.class, () -> c.get(b("a")));
            assertTrue(e.getMessage().contains("no meta record covers a"), e.getMessage());
        }
    }

    @Test
    void transferLeaseStatusAndMembership() {
        try (RangeClient c = client(FakeCluster.addr(1))) {
            c.put(b("a"), b("1"));
            c.learnNodeAddress(3, FakeCluster.addr(3));
            c.transferLease(2, 3);
            assertEquals(3L, cluster.leaseholder.get(2L));
            assertEquals(3, c.leaseholderStatus(2).getLease().getHolder());
            c.get(b("a"));
            assertTrue(cluster.log.get(cluster.log.size() - 1).startsWith("n3"));
            c.addReplica(2, 4, "127.0.0.1:26004", true);
            c.removeReplica(2, 4);
            KvException e = assertThrows(KvException.class, () -> c.transferLease(99, 1));
            assertEquals(ErrorResponse.Code.RANGE_NOT_FOUND, e.code());
        }
    }

    @Test
    void aSplitWhoseAnswerIsLostIsVerifiedNotRepeated() {
        try (RangeClient c = client(FakeCluster.addr(1))) {
            c.put(b("a"), b("1"));
            cluster.fault(1, Fault.LOST_AFTER_APPLY);
            // The fault hits the id increment (retried: ids may be lost), not the split itself.
            SplitResult r = c.split(b("m"));
            assertEquals(4, r.right().getRangeId(), "the lost increment wasted id 3");
            cluster.fault(1, Fault.NOT_SENT);
            c.put(b("b"), b("1"));
        }
    }

    /** Random ops, splits and leaseholder moves against a model map: the client never loses a write. */
    @Test
    void randomWorkloadMatchesAModel() {
        long seed = Long.getLong("test.seed", System.nanoTime());
        SplittableRandom random = new SplittableRandom(seed);
        TreeMap<String, String> model = new TreeMap<>();
        try (RangeClient c = client(FakeCluster.addr(1), FakeCluster.addr(2));
                RangeClient admin = client(FakeCluster.addr(3))) {
            for (int i = 0; i < 400; i++) {
                String key = "k" + random.nextInt(40);
                switch (random.nextInt(8)) {
                    case 0, 1 -> {
                        c.put(b(key), b("v" + i));
                        model.put(key, "v" + i);
                    }
                    case 2 -> {
                        c.delete(b(key));
                        model.remove(key);
                    }
                    case 3 -> assertEquals(Optional.ofNullable(model.get(key)), c.get(b(key)).map(RangeClientTest::s),
                            "seed " + seed);
                    case 4 -> {
                        String to = "k" + random.nextInt(40);
                        int limit = 1 + random.nextInt(20);
                        List<String> expected = key.compareTo(to) >= 0 ? new ArrayList<>()
                                : new ArrayList<>(model.subMap(key, to).keySet());
                        if (expected.size() > limit) expected = expected.subList(0, limit);
                        assertEquals(expected, c.scan(b(key), b(to), limit).stream().map(kv -> s(kv.key())).toList(),
                                "seed " + seed);
                    }
                    case 5 -> {
                        try {
                            admin.split(b(key));
                        } catch (KvException e) {
                            assertEquals(ErrorResponse.Code.BAD_REQUEST, e.code(), "seed " + seed);
                        }
                    }
                    case 6 -> {
                        long range = 2 + random.nextInt(cluster.leaseholder.size() - 1);
                        cluster.leaseholder.put(range, 1L + random.nextInt(3));
                    }
                    default -> {
                        if (random.nextInt(4) == 0) cluster.fault(1 + random.nextInt(3), Fault.NOT_SENT);
                    }
                }
            }
            assertEquals(model.size(), c.scan(b("k"), b("l"), 1000).size(), "seed " + seed);
        } catch (AssertionError | RuntimeException e) {
            System.err.println("RangeClientTest.randomWorkloadMatchesAModel seed " + seed);
            throw e;
        }
    }

    /** Threads on disjoint keys share one client while splits and lease moves happen: each sees its own writes. */
    @Test
    void concurrentCallersShareOneClient() throws Exception {
        long seed = Long.getLong("test.seed", System.nanoTime());
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        try (RangeClient c = client(FakeCluster.addr(1), FakeCluster.addr(2));
                RangeClient admin = client(FakeCluster.addr(3))) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final int thread = t;
                threads.add(new Thread(() -> {
                    SplittableRandom random = new SplittableRandom(seed + thread);
                    TreeMap<String, String> model = new TreeMap<>();
                    try {
                        for (int i = 0; i < 150; i++) {
                            String key = "t" + thread + "-" + random.nextInt(30);
                            if (random.nextBoolean()) {
                                c.put(b(key), b("v" + i));
                                model.put(key, "v" + i);
                            } else {
                                assertEquals(Optional.ofNullable(model.get(key)), c.get(b(key)).map(RangeClientTest::s));
                            }
                        }
                        String prefix = "t" + thread + "-";
                        assertEquals(new ArrayList<>(model.keySet()), c.scan(b(prefix), b("t" + thread + "."), 100)
                                .stream().map(kv -> s(kv.key())).toList());
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < 10; i++) {
                try {
                    admin.split(b("t" + random.nextInt(4) + "-" + random.nextInt(30)));
                } catch (KvException e) {
                    assertEquals(ErrorResponse.Code.BAD_REQUEST, e.code(), "seed " + seed);
                }
                synchronized (cluster) {
                    long range = 2 + random.nextInt(cluster.leaseholder.size() - 1);
                    cluster.leaseholder.put(range, 1L + random.nextInt(3));
                }
            }
            for (Thread t : threads) t.join(30_000);
        }
        if (!failures.isEmpty()) {
            System.err.println("RangeClientTest.concurrentCallersShareOneClient seed " + seed);
            throw new AssertionError("seed " + seed, failures.get(0));
        }
    }
}

package io.conclave.range.multiraft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.range.Keys;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.KvGet;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.KvScan;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.SplitRange;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The split trigger on an in-JVM cluster of real stores: nothing lost, scans stay right, bad splits refused. */
class SplitTest {
    @TempDir
    Path dir;

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Sends a request to whichever node serves it, following NOT_LEASEHOLDER hints and retrying
     * answers that say "not here, not now"; returns the first other answer. Bounded in attempts.
     */
    static RangeReply send(LocalCluster cluster, KvRequest req) throws Exception {
        long node = 1;
        RangeReply last = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (int attempt = 0; attempt < 5_000 && System.nanoTime() < deadline; attempt++) {
            if (cluster.alive(node)) {
                try {
                    last = cluster.kv(node, req);
                } catch (java.util.concurrent.TimeoutException crashedMeanwhile) {
                    node = node % cluster.nodeIds().size() + 1;
                    continue;
                }
                ErrorResponse.Code code = last.hasError() ? last.getError().getCode() : null;
                if (code == null || code == ErrorResponse.Code.RANGE_KEY_MISMATCH
                        || code == ErrorResponse.Code.CONDITION_FAILED || code == ErrorResponse.Code.BAD_REQUEST) {
                    return last;
                }
                long hint = code == ErrorResponse.Code.NOT_LEASEHOLDER ? last.getError().getLeaderHint() : 0;
                if (hint != 0 && hint != node && cluster.alive(hint)) {
                    node = hint;
                    pauseEveryRound(cluster, attempt);
                    continue;
                }
            }
            node = node % cluster.nodeIds().size() + 1;
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new AssertionError("no node served " + req + "; last answer " + last);
    }

    /**
     * Following hints, pauses once per round of the nodes as the range client does: two nodes
     * that each name the other while a lease or leadership moves are asked again
     * at once otherwise, and three such callers spinning starved the schedulers that settle it
     * on a loaded machine (hints went back and forth for the whole 15 s).
     */
    private static void pauseEveryRound(LocalCluster cluster, int attempt) throws InterruptedException {
        if (attempt % cluster.nodeIds().size() == cluster.nodeIds().size() - 1) TimeUnit.MILLISECONDS.sleep(10);
    }

    static RangeReply admin(LocalCluster cluster, AdminRequest req) throws Exception {
        long node = 1;
        RangeReply last = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (int attempt = 0; attempt < 5_000 && System.nanoTime() < deadline; attempt++) {
            if (cluster.alive(node)) {
                try {
                    last = cluster.admin(node, req);
                } catch (java.util.concurrent.TimeoutException crashedMeanwhile) {
                    node = node % cluster.nodeIds().size() + 1;
                    continue;
                }
                if (!last.hasError() || (last.getError().getCode() != ErrorResponse.Code.NOT_LEASEHOLDER
                        && last.getError().getCode() != ErrorResponse.Code.RANGE_NOT_FOUND
                        && last.getError().getCode() != ErrorResponse.Code.PROPOSAL_DROPPED
                        && last.getError().getCode() != ErrorResponse.Code.TIMEOUT)) {
                    return last;
                }
                long hint = last.getError().getLeaderHint();
                if (hint != 0 && hint != node && cluster.alive(hint)) {
                    node = hint;
                    pauseEveryRound(cluster, attempt);
                    continue;
                }
            }
            node = node % cluster.nodeIds().size() + 1;
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new AssertionError("no node served " + req + "; last answer " + last);
    }

    static KvRequest put(byte[] key, byte[] value) {
        return KvRequest.newBuilder().setPut(KvPut.newBuilder().setKey(ByteString.copyFrom(key))
                .setValue(ByteString.copyFrom(value))).build();
    }

    static RangeReply split(LocalCluster cluster, long rangeId, byte[] key, long newId, long generation)
            throws Exception {
        return admin(cluster, AdminRequest.newBuilder().setSplitRange(SplitRange.newBuilder().setRangeId(rangeId)
                .setSplitKey(ByteString.copyFrom(key)).setNewRangeId(newId).setExpectedGeneration(generation)).build());
    }

    /**
     * The descriptor a live node reports for the range holding {@code key}, newest generation
     * first. A node that applied a split reports the shrunk left range at once but the right one
     * only once the batch creating it is durable (until then a request for it is answered
     * RANGE_NOT_FOUND, which a client retries); under load every node may be in that window
     * together, so like a client's range lookup this asks again, for a bounded time.
     */
    static RangeDescriptor rangeFor(LocalCluster cluster, byte[] key) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LocalCluster.WAIT_SECONDS);
        while (true) {
            RangeDescriptor best = null;
            for (long id : cluster.nodeIds()) {
                if (!cluster.alive(id)) continue;
                for (GroupStatus g : cluster.statuses(id)) {
                    RangeDescriptor d = g.getRangeDescriptor();
                    if (g.hasRangeDescriptor() && Keys.contains(d.getStartKey().toByteArray(), d.getEndKey().toByteArray(), key)
                            && (best == null || d.getGeneration() > best.getGeneration())) {
                        best = d;
                    }
                }
            }
            if (best != null) return best;
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no node reports a range holding " + Keys.pretty(key) + " for "
                        + LocalCluster.WAIT_SECONDS + " s");
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    /** Scans [start, end) range by range as a client would, healing its view on RANGE_KEY_MISMATCH. */
    static List<String> scanAll(LocalCluster cluster, byte[] start, byte[] end) throws Exception {
        List<String> keys = new ArrayList<>();
        byte[] cursor = start;
        for (int round = 0; round < 10_000 && Keys.compare(cursor, end) < 0; round++) {
            RangeDescriptor d = rangeFor(cluster, cursor);
            byte[] stop = Keys.compare(end, d.getEndKey().toByteArray()) < 0 ? end : d.getEndKey().toByteArray();
            RangeReply r = send(cluster, KvRequest.newBuilder().setRangeId(d.getRangeId()).setScan(KvScan.newBuilder()
                    .setStartKey(ByteString.copyFrom(cursor)).setEndKey(ByteString.copyFrom(stop)).setLimit(7)).build());
            if (r.hasError()) {
                assertEquals(ErrorResponse.Code.RANGE_KEY_MISMATCH, r.getError().getCode(), r.toString());
                continue; // a split moved the end: ask again
            }
            KvResponse resp = r.getKvResponse();
            for (KvPair p : resp.getPairsList()) keys.add(p.getKey().toStringUtf8());
            cursor = resp.getResumeKey().isEmpty() ? stop : resp.getResumeKey().toByteArray();
        }
        return keys;
    }

    @Test
    void aSplitUnderConcurrentWritesAndScansLosesNothing() throws Exception {
        long seed = Long.getLong("split.seed", 4242);
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults(), 1)) {
            cluster.awaitLeader(2);
            Set<String> acknowledged = new ConcurrentSkipListSet<>();
            List<String> problems = new CopyOnWriteArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                threads.add(new Thread(() -> {
                    SplittableRandom random = new SplittableRandom(seed + writer);
                    try {
                        for (int i = 0; i < 400 && !stop.get(); i++) {
                            String key = String.format("k%04d-%d", random.nextInt(1000), writer);
                            for (int attempt = 0; ; attempt++) {
                                RangeReply r = send(cluster, put(b(key), b("v")));
                                if (r.hasKvResponse()) break;
                                if (attempt > 20) throw new AssertionError("put " + key + ": " + r);
                            }
                            acknowledged.add(key);
                        }
                    } catch (Throwable t) {
                        problems.add("seed " + seed + " writer " + writer + ": " + t);
                    }
                }, "writer-" + w));
            }
            threads.add(new Thread(() -> {
                try {
                    while (!stop.get()) {
                        Set<String> before = new TreeSet<>(acknowledged);
                        List<String> seen = scanAll(cluster, b("k"), b("l"));
                        List<String> sorted = new ArrayList<>(new TreeSet<>(seen));
                        if (!sorted.equals(seen)) problems.add("scan out of order or repeated: " + seen);
                        if (!seen.containsAll(before)) {
                            Set<String> missing = new TreeSet<>(before);
                            missing.removeAll(seen);
                            problems.add("seed " + seed + ": scan missed acknowledged keys " + missing);
                        }
                    }
                } catch (Throwable t) {
                    problems.add("seed " + seed + " scanner: " + t);
                }
            }, "scanner"));
            threads.forEach(Thread::start);
            TimeUnit.MILLISECONDS.sleep(300);
            byte[][] splitKeys = {b("k0500"), b("k0250"), b("k0750")};
            long newId = 10;
            for (byte[] key : splitKeys) {
                RangeDescriptor d = rangeFor(cluster, key);
                RangeReply r = split(cluster, d.getRangeId(), key, newId++, d.getGeneration());
                assertTrue(r.hasAdminResponse(), "seed " + seed + ": " + r);
                AdminResponse a = r.getAdminResponse();
                assertArrayEquals(key, a.getLeft().getEndKey().toByteArray());
                assertArrayEquals(key, a.getRight().getStartKey().toByteArray());
                TimeUnit.MILLISECONDS.sleep(150);
            }
            for (int i = 0; i < 2; i++) threads.get(i).join(TimeUnit.SECONDS.toMillis(LocalCluster.WAIT_SECONDS));
            stop.set(true);
            threads.get(2).join(TimeUnit.SECONDS.toMillis(LocalCluster.WAIT_SECONDS));
            assertEquals(List.of(), problems);
            assertEquals(new ArrayList<>(acknowledged), scanAll(cluster, b("k"), b("l")), "seed " + seed);
            for (long id : cluster.nodeIds()) {
                LocalCluster.await("node " + id + " to hold 4 user ranges", () -> cluster.statuses(id).size() == 5);
            }
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }

    @Test
    void aHundredSplitsInARow() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults(), 1)) {
            cluster.awaitLeader(2);
            for (int i = 0; i < 100; i++) {
                assertTrue(send(cluster, put(b(String.format("r%03d", i)), b("v" + i))).hasKvResponse());
            }
            long rangeId = 2;
            long generation = 0;
            for (int i = 1; i <= 100; i++) {
                RangeReply r = split(cluster, rangeId, b(String.format("r%03d", i)), 100 + i, generation);
                assertTrue(r.hasAdminResponse(), "split " + i + ": " + r);
                rangeId = r.getAdminResponse().getRight().getRangeId();
                generation = r.getAdminResponse().getRight().getGeneration();
            }
            for (int i = 0; i < 100; i++) {
                RangeReply got = send(cluster, KvRequest.newBuilder().setRangeId(i == 0 ? 2 : 100 + i).setGet(KvGet
                        .newBuilder().setKey(ByteString.copyFrom(b(String.format("r%03d", i))))).build());
                assertEquals("v" + i, got.getKvResponse().getValue().toStringUtf8(), got.toString());
            }
            assertEquals(100, scanAll(cluster, b("r"), b("s")).size());
            for (long id : cluster.nodeIds()) {
                LocalCluster.await("node " + id + " to hold 102 ranges", () -> cluster.statuses(id).size() == 102);
            }
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }

    @Test
    void aFollowerDownDuringASplitCatchesUpFromTheLog() throws Exception {
        followerCatchesUp(SchedulerSettings.defaults());
    }

    @Test
    void aFollowerDownDuringASplitCatchesUpFromSnapshots() throws Exception {
        followerCatchesUp(SchedulerSettings.defaults().withLogEntriesBeforeSnapshot(5));
    }

    private void followerCatchesUp(SchedulerSettings settings) throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, settings, 1)) {
            long leader = cluster.awaitLeader(2);
            long down = leader % 3 + 1;
            for (int i = 0; i < 10; i++) assertTrue(send(cluster, put(b("a" + i), b("before"))).hasKvResponse());
            cluster.crash(down);
            assertTrue(split(cluster, 2, b("a5"), 7, 0).hasAdminResponse());
            for (int i = 0; i < 10; i++) {
                RangeReply r = send(cluster, put(b("a" + i), b("after")));
                assertTrue(r.hasKvResponse(), r.toString());
            }
            cluster.restart(down);
            for (int i = 0; i < 10; i++) {
                byte[] key = b("a" + i);
                LocalCluster.await("node " + down + " to apply a" + key,
                        () -> "after".equals(new String(cluster.storedValue(down, key), StandardCharsets.UTF_8)));
            }
            LocalCluster.await("node " + down + " to hold both halves", () -> {
                List<GroupStatus> st = cluster.statuses(down);
                return st.stream().anyMatch(g -> g.getGroupId() == 7 && g.hasRangeDescriptor())
                        && st.stream().anyMatch(g -> g.getGroupId() == 2
                                && Keys.compare(g.getRangeDescriptor().getEndKey().toByteArray(), b("a5")) == 0);
            });
            // The restarted node serves the right range once the lease is handed to it.
            RangeReply t = admin(cluster, AdminRequest.newBuilder().setTransferLease(
                    io.conclave.range.rpc.TransferLease.newBuilder().setRangeId(7).setToNode(down)).build());
            assertTrue(t.hasAdminResponse(), t.toString());
            LocalCluster.await("node " + down + " to serve range 7", () -> {
                RangeReply r = cluster.kv(down, KvRequest.newBuilder().setRangeId(7).setGet(KvGet.newBuilder()
                        .setKey(ByteString.copyFrom(b("a7")))).build());
                return r.hasKvResponse() && r.getKvResponse().getValue().toStringUtf8().equals("after");
            });
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }

    @Test
    void badSplitsAreRefusedClearly() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults(), 2)) {
            cluster.awaitLeader(2);
            cluster.awaitLeader(1);
            byte[] mid = {(byte) 0x81, (byte) 0xff}; // where ranges 2 and 3 meet
            assertRefused(split(cluster, 2, b("\u0090x"), 9, 0), "not strictly inside");
            assertRefused(split(cluster, 2, mid, 9, 0), "not strictly inside");
            assertRefused(split(cluster, 2, Keys.USER_START, 9, 0), "never splits");
            assertRefused(split(cluster, 1, new byte[] {0x03, 0x10}, 9, 0), "never splits");
            assertRefused(split(cluster, 2, b("m"), 9, 7), "generation");
            assertRefused(split(cluster, 2, b("m"), 2, 0), "new_range_id");
            RangeReply unknown = cluster.admin(1, AdminRequest.newBuilder().setSplitRange(SplitRange.newBuilder()
                    .setRangeId(77).setSplitKey(ByteString.copyFrom(b("m"))).setNewRangeId(9)).build());
            assertEquals(ErrorResponse.Code.RANGE_NOT_FOUND, unknown.getError().getCode(), unknown.toString());
            RangeReply ok = split(cluster, 2, b("m"), 9, 0);
            assertTrue(ok.hasAdminResponse(), ok.toString());
            assertRefused(split(cluster, 2, b("n"), 10, 0), "not strictly inside");
        }
    }

    private static void assertRefused(RangeReply r, String why) {
        assertTrue(r.hasError(), r.toString());
        assertEquals(ErrorResponse.Code.BAD_REQUEST, r.getError().getCode(), r.toString());
        assertTrue(r.getError().getMessage().contains(why), r.getError().getMessage());
    }
}

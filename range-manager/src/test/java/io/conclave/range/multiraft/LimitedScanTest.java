package io.conclave.range.multiraft;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPrepare;
import io.conclave.range.rpc.TxnReadOptions;
import io.conclave.range.rpc.TxnScan;
import io.conclave.range.rpc.TxnWrite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A txn_scan with a limit claims only the span it read, [start, resume key): a write in flight
 * past the resume key does not send it through the log, one before it does (and the scan then
 * sees the write), and the timestamp cache pushes writes below the resume key only.
 */
class LimitedScanTest {
    private static final long RANGE = 2;

    @TempDir
    Path dir;

    /**
     * Elections and the request timeout far longer than the test's partition (the isolated
     * leaseholder keeps leading, and its write in flight keeps its latch, until it is healed),
     * and a lease that outlives the test.
     */
    private static SchedulerSettings settings() {
        SchedulerSettings d = SchedulerSettings.defaults();
        return new SchedulerSettings(100, 1, 150, d.logEntriesBeforeSnapshot(), d.logBytesBeforeSnapshot(),
                d.inboxCapacity(), d.maxEventsPerCycle(), d.maxSnapshotKeys(), d.maxScanRows(), d.maxRangeBytes(),
                d.splitQps(), 10_000_000_000L);
    }

    private static ByteString bs(String s) {
        return ByteString.copyFrom(s, UTF_8);
    }

    private static TxnMeta txn(int id, String anchor, Timestamp ts) {
        byte[] bytes = new byte[16];
        bytes[15] = (byte) id;
        return TxnMeta.newBuilder().setId(ByteString.copyFrom(bytes)).setAnchorKey(bs(anchor))
                .setWriteTs(ts.toProto()).setMinTs(ts.toProto()).build();
    }

    private static KvRequest put(String key, String value) {
        return KvRequest.newBuilder().setRangeId(RANGE).setPut(KvPut.newBuilder().setKey(bs(key))
                .setValue(bs(value))).build();
    }

    private static KvRequest prepare(TxnMeta txn, String key, String value) {
        return KvRequest.newBuilder().setRangeId(RANGE).setTxnPrepare(TxnPrepare.newBuilder().setTxn(txn)
                .addWrites(TxnWrite.newBuilder().setKey(bs(key)).setValue(bs(value)))).build();
    }

    /** A scan of [s, t) by {@code reader} at {@code readTs}, at most {@code limit} rows. */
    private static KvRequest scan(TxnMeta reader, Timestamp readTs, int limit) {
        return KvRequest.newBuilder().setRangeId(RANGE).setTxnScan(TxnScan.newBuilder().setStartKey(bs("s"))
                .setEndKey(bs("t")).setLimit(limit).setRead(TxnReadOptions.newBuilder().setTxn(reader)
                        .setReadTs(readTs.toProto()))).build();
    }

    private static RangeReply ok(RangeReply reply) {
        assertTrue(reply.hasKvResponse(), reply.toString());
        return reply;
    }

    private static List<String> keys(RangeReply reply) {
        List<String> keys = new ArrayList<>();
        for (KvPair p : ok(reply).getKvResponse().getPairsList()) keys.add(p.getKey().toStringUtf8());
        return keys;
    }

    /** Rows s1..s9 committed; the range's leaseholder. */
    private static long rowsAndHolder(LocalCluster cluster) throws Exception {
        cluster.awaitLeader(RANGE);
        for (int i = 1; i <= 9; i++) ok(SplitTest.send(cluster, put("s" + i, "v" + i)));
        long[] found = {0};
        LocalCluster.await("a leaseholder of range 2", () -> {
            found[0] = LeaseTest.holder(cluster, RANGE);
            return found[0] != 0;
        });
        return found[0];
    }


    @Test
    void aWriteInFlightPastTheResumeKeyLeavesTheScanToTheStoreOneBeforeItSendsItThroughTheLog() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, settings(), 1)) {
            long lh = rowsAndHolder(cluster);
            Scheduler s = cluster.schedulers.get(lh);
            Timestamp ts = cluster.now(lh);
            TxnMeta writer = txn(1, "s8", ts);
            TxnMeta reader = txn(2, "r", ts);

            // Isolated, the leaseholder proposes the write but cannot commit it: its latch on s8
            // holds for as long as the partition lasts (the inbox is FIFO: it is latched before
            // the scans below are routed).
            cluster.isolate(lh);
            CompletableFuture<RangeReply> write = new CompletableFuture<>();
            s.submitKv(prepare(writer, "s8", "new"), write::complete);

            long throughLog = s.readsThroughLog();
            long fromStore = s.limitedScansServedFromStore();
            RangeReply short3 = cluster.kv(lh, scan(reader, ts, 3));
            assertEquals(List.of("s1", "s2", "s3"), keys(short3), short3.toString());
            assertEquals("s4", short3.getKvResponse().getResumeKey().toStringUtf8());
            assertEquals(throughLog, s.readsThroughLog(), "a scan that stopped at s4 waited for a write at s8");
            assertEquals(fromStore + 1, s.limitedScansServedFromStore());

            // Nine rows would read s8: the write in flight could be one of them.
            CompletableFuture<RangeReply> long9 = new CompletableFuture<>();
            s.submitKv(scan(reader, ts, 9), long9::complete);
            LocalCluster.await("the long scan to go through the log", () -> s.readsThroughLog() > throughLog);
            assertEquals(fromStore + 1, s.limitedScansServedFromStore());
            assertTrue(!long9.isDone(), "the long scan was answered while the write before it could not commit: "
                    + long9.getNow(null));

            cluster.heal(lh);
            ok(write.get(LocalCluster.WAIT_SECONDS, TimeUnit.SECONDS));
            // Behind the write in the log, the scan meets its intent.
            RangeReply seen = long9.get(LocalCluster.WAIT_SECONDS, TimeUnit.SECONDS);
            assertTrue(seen.hasError(), seen.toString());
            assertEquals(ErrorResponse.Code.WRITE_INTENT, seen.getError().getCode(), seen.toString());
            assertEquals(bs("s8"), seen.getError().getIntents(0).getKey());
            assertEquals(writer.getId(), seen.getError().getIntents(0).getTxn().getId());
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }

    @Test
    void theTimestampCacheCoversTheSpanReadAndNotBeyond() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, settings(), 1)) {
            long lh = rowsAndHolder(cluster);
            Timestamp ts = cluster.now(lh);
            Timestamp readTs = ts.addNanos(LocalCluster.MAX_OFFSET_NANOS / 2);
            RangeReply read = ok(cluster.kv(lh, scan(txn(1, "r", ts), readTs, 3)));
            assertEquals("s4", read.getKvResponse().getResumeKey().toStringUtf8());

            int writer = 10;
            // Below the resume key (a row read, and a key between two rows read): above the read.
            for (String key : List.of("s2", "s25")) {
                RangeReply w = ok(cluster.kv(lh, prepare(txn(writer++, key, ts), key, "x")));
                assertTrue(Timestamp.fromProto(w.getKvResponse().getWriteTs()).isAfter(readTs), key + ": " + w);
            }
            // At and past the resume key: not read, not pushed.
            for (String key : List.of("s4", "s7", "s99")) {
                RangeReply w = ok(cluster.kv(lh, prepare(txn(writer++, key, ts), key, "x")));
                assertEquals(ts, Timestamp.fromProto(w.getKvResponse().getWriteTs()), key + ": " + w);
            }
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }

    /** A limited scan's answer: what it read at which timestamp, and the keys it returned. */
    private record ScanSeen(Timestamp readTs, String start, String resume, Set<String> keys) {}

    private record Insert(String key, Timestamp ts) {}

    /**
     * Inserts race limited scans (read timestamps a little ahead of the clock, so that writes in
     * flight when a scan arrives lie below it), on the leaseholder's real pipeline. Every insert
     * at or below a scan's read timestamp whose key lies in the span the scan read must be among
     * its rows: served from the store while such a write was in flight, or applied but not yet
     * durable, the scan would miss it; and a write proposed after the scan lands above it. The
     * seed picks keys only; timing is the machine's.
     */
    @Test
    void insertsAtOrBelowAScansTimestampInsideTheSpanItReadAreNeverMissed() throws Exception {
        long seed = System.nanoTime() & 0xffff;
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults(), 1)) {
            cluster.awaitLeader(RANGE);
            long lh = cluster.awaitLeaseholder(RANGE, "k".getBytes(UTF_8));
            Scheduler s = cluster.schedulers.get(lh);
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < 40; i++) ok(cluster.kv(lh, put(String.format("k%04d.seed", random.nextInt(10_000)), "x")));
            long fromStoreBefore = s.limitedScansServedFromStore();

            ConcurrentLinkedQueue<Insert> inserts = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<ScanSeen> scans = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            long endNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                boolean writer = t % 2 == 0;
                SplittableRandom r = random.split();
                int thread = t;
                threads.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < 5_000 && System.nanoTime() < endNanos && failures.isEmpty(); i++) {
                            if (writer) {
                                String key = String.format("k%04d.%d.%d", r.nextInt(10_000), thread, i);
                                RangeReply w = cluster.kv(lh, put(key, "v"));
                                if (w.hasKvResponse()) {
                                    inserts.add(new Insert(key, Timestamp.fromProto(w.getKvResponse().getWriteTs())));
                                }
                                continue;
                            }
                            String start = String.format("k%04d", r.nextInt(10_000));
                            Timestamp readTs = new Timestamp(io.conclave.clock.SystemClock.INSTANCE.nowNanos()
                                    + LocalCluster.MAX_OFFSET_NANOS / 5, 0);
                            KvRequest scan = KvRequest.newBuilder().setRangeId(RANGE).setTxnScan(TxnScan.newBuilder()
                                    .setStartKey(bs(start)).setEndKey(bs("l")).setLimit(1 + r.nextInt(5))
                                    .setRead(TxnReadOptions.newBuilder().setReadTs(readTs.toProto()))).build();
                            RangeReply a = cluster.kv(lh, scan);
                            if (!a.hasKvResponse()) continue;
                            Set<String> keys = new TreeSet<>();
                            for (KvPair p : a.getKvResponse().getPairsList()) keys.add(p.getKey().toStringUtf8());
                            String resume = a.getKvResponse().getResumeKey().isEmpty() ? "l"
                                    : a.getKvResponse().getResumeKey().toStringUtf8();
                            scans.add(new ScanSeen(readTs, start, resume, keys));
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "limited-scan-" + (writer ? "writer-" : "scanner-") + t));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) t.join(TimeUnit.SECONDS.toMillis(LocalCluster.WAIT_SECONDS));
            assertTrue(failures.isEmpty(), "seed " + seed + ": " + failures);
            for (Thread t : threads) assertTrue(!t.isAlive(), t.getName() + " is still running");
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
            System.out.printf("[limited scans, seed %d] %d inserts, %d scans: %d served from the store, %d reads"
                    + " through the log%n", seed, inserts.size(), scans.size(),
                    s.limitedScansServedFromStore() - fromStoreBefore, s.readsThroughLog());

            NavigableMap<String, Timestamp> insertedAt = new TreeMap<>();
            for (Insert i : inserts) insertedAt.put(i.key(), i.ts());
            int checked = 0;
            for (ScanSeen scan : scans) {
                for (Map.Entry<String, Timestamp> e : insertedAt.subMap(scan.start(), true, scan.resume(), false)
                        .entrySet()) {
                    if (e.getValue().isAfter(scan.readTs())) continue;
                    checked++;
                    assertTrue(scan.keys().contains(e.getKey()), "seed " + seed + ": a scan of [" + scan.start() + ", "
                            + scan.resume() + ") at " + scan.readTs() + " missed " + e.getKey() + " written at "
                            + e.getValue() + "; it returned " + scan.keys());
                }
            }
            System.out.printf("[limited scans, seed %d] %d (insert, scan) pairs checked%n", seed, checked);
            assertTrue(s.limitedScansServedFromStore() > fromStoreBefore, "no limited scan was served from the store");
            assertTrue(checked > 0, "no insert fell inside a scan's span below its timestamp: nothing was checked");
        }
    }
}

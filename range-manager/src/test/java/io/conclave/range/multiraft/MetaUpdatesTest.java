package io.conclave.range.multiraft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.range.Keys;
import io.conclave.range.MetaRecords;
import io.conclave.range.client.NodeDialer;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.RangeClientSettings;
import io.conclave.range.client.SplitResult;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvMetaUpdates;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.KvScan;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.RangeReply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Range 1's multi-record meta command through a real scheduler (one node: the command's subject
 * is range 1's apply, not replication): the tiling and generation rule, all or nothing, its
 * validation; and a range client's splits under concurrent meta lookups, which must never find
 * a key without a record.
 */
class MetaUpdatesTest {
    @TempDir
    Path dir;

    private static final byte[] M = {0x40};
    private static final byte[] T = {0x60};
    private static final byte[] U = {0x70};

    private static RangeDescriptor desc(RangeDescriptor like, long id, byte[] start, byte[] end, long generation) {
        return like.toBuilder().setRangeId(id).setStartKey(ByteString.copyFrom(start)).setEndKey(ByteString.copyFrom(end))
                .setGeneration(generation).build();
    }

    private static KvRequest update(RangeDescriptor... ds) {
        return KvRequest.newBuilder().setRangeId(Keys.META_RANGE_ID)
                .setMetaUpdates(KvMetaUpdates.newBuilder().addAllRangeDescriptors(List.of(ds))).build();
    }

    private static final KvRequest SCAN_META = KvRequest.newBuilder().setRangeId(Keys.META_RANGE_ID)
            .setScan(KvScan.newBuilder().setStartKey(ByteString.copyFrom(Keys.META_START))
                    .setEndKey(ByteString.copyFrom(Keys.META_END)).setLimit(1000)).build();

    private static List<RangeDescriptor> meta(LocalCluster cluster) throws Exception {
        RangeReply reply = cluster.kv(1, SCAN_META);
        assertTrue(reply.hasKvResponse(), reply.toString());
        KvResponse r = reply.getKvResponse();
        List<RangeDescriptor> out = new ArrayList<>();
        for (KvPair p : r.getPairsList()) out.add(RangeDescriptor.parseFrom(p.getValue()));
        return out;
    }

    private static ErrorResponse.Code code(RangeReply r) {
        return r.hasError() ? r.getError().getCode() : ErrorResponse.Code.CODE_UNSPECIFIED;
    }

    /** Until node 1 leads range 1 and serves it (its first request takes the lease). */
    private static void awaitMetaServed(LocalCluster cluster) {
        cluster.awaitLeader(Keys.META_RANGE_ID);
        LocalCluster.await("node 1 serving range 1", () -> cluster.kv(1, SCAN_META).hasKvResponse());
    }

    @Test
    void anUpdateReplacesRecordsAllOrNothingAndKeepsMetaATiling() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 1, SchedulerSettings.defaults(), 1)) {
            awaitMetaServed(cluster);
            List<RangeDescriptor> initial = meta(cluster);
            assertEquals(2, initial.size(), "range 1 and one user range: " + initial);
            RangeDescriptor r2 = initial.get(1);
            long g = r2.getGeneration();

            // A split of r2 at M: both halves in one command.
            RangeDescriptor left = desc(r2, 2, Keys.USER_START, M, g + 1);
            RangeDescriptor right = desc(r2, 5, M, Keys.KEY_MAX, g + 1);
            assertFalse(cluster.kv(1, update(left, right)).getKvResponse().getFound(), "applied");
            assertEquals(List.of(initial.get(0), left, right), meta(cluster));

            // A replay rewrites the same records (equal generations); an older state is refused
            // and the answer holds the records in the way (the one before the span, those inside).
            assertFalse(cluster.kv(1, update(left, right)).getKvResponse().getFound(), "a replay is harmless");
            KvResponse stale = cluster.kv(1, update(r2)).getKvResponse();
            assertTrue(stale.getFound(), "the pre-split record does not come back");
            assertEquals(3, stale.getPairsCount(), stale.toString());
            assertEquals(List.of(initial.get(0), left, right), meta(cluster));

            // The right half splits at T.
            RangeDescriptor mid = desc(r2, 5, M, T, g + 2);
            RangeDescriptor last = desc(r2, 6, T, Keys.KEY_MAX, g + 2);
            assertFalse(cluster.kv(1, update(mid, last)).getKvResponse().getFound());

            // Some records newer than meta, one older: all or nothing, so nothing.
            RangeDescriptor newerLeft = desc(r2, 2, Keys.USER_START, M, g + 5);
            RangeDescriptor staleMid = desc(r2, 5, M, T, g + 1);
            assertTrue(cluster.kv(1, update(newerLeft, staleMid)).getKvResponse().getFound());
            assertEquals(List.of(initial.get(0), left, mid, last), meta(cluster));

            // A span that does not end at one of meta's boundaries would leave an overlap or a gap.
            RangeDescriptor lastSplit = desc(r2, 6, T, U, g + 3);
            assertTrue(cluster.kv(1, update(lastSplit)).getKvResponse().getFound(), "U is no boundary in meta");
            RangeDescriptor fromMidway = desc(r2, 7, U, Keys.KEY_MAX, g + 3);
            assertTrue(cluster.kv(1, update(fromMidway)).getKvResponse().getFound(), "U is no boundary in meta");
            // Together they replace [T, KEY_MAX) exactly.
            assertFalse(cluster.kv(1, update(lastSplit, fromMidway)).getKvResponse().getFound());

            // A coarser record over several of meta's (a stale pre-split state) is refused.
            assertTrue(cluster.kv(1, update(desc(r2, 5, M, Keys.KEY_MAX, g + 9))).getKvResponse().getFound(),
                    "meta is finer there: newer");
            List<RangeDescriptor> now = meta(cluster);
            assertEquals(List.of(initial.get(0), left, mid, lastSplit, fromMidway), now);
            List<byte[]> keys = new ArrayList<>();
            for (RangeDescriptor d : now) keys.add(Keys.metaKey(d.getEndKey().toByteArray()));
            assertNull(MetaRecords.tilingProblem(keys, now));

            // The single-record form follows the same rule.
            KvRequest single = KvRequest.newBuilder().setRangeId(1).setMetaUpdate(io.conclave.range.rpc.KvMetaUpdate
                    .newBuilder().setKey(ByteString.copyFrom(Keys.metaKey(U))).setRangeDescriptor(lastSplit.toBuilder()
                            .setGeneration(g + 4))).build();
            assertFalse(cluster.kv(1, single).getKvResponse().getFound());
            KvResponse olderSingle = cluster.kv(1, single.toBuilder().setMetaUpdate(single.getMetaUpdate().toBuilder()
                    .setRangeDescriptor(lastSplit)).build()).getKvResponse();
            assertTrue(olderSingle.getFound());
            assertEquals(g + 4, RangeDescriptor.parseFrom(olderSingle.getValue()).getGeneration(), "the record in the way");
        }
    }

    @Test
    void malformedUpdatesAreRefusedWithClearErrors() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 1, SchedulerSettings.defaults(), 1)) {
            awaitMetaServed(cluster);
            RangeDescriptor r2 = meta(cluster).get(1);
            RangeDescriptor a = desc(r2, 2, Keys.USER_START, M, 9);
            RangeDescriptor b = desc(r2, 5, T, Keys.KEY_MAX, 9);

            RangeReply empty = cluster.kv(1, update());
            assertEquals(ErrorResponse.Code.BAD_REQUEST, code(empty));
            assertTrue(empty.getError().getMessage().contains("at least one"), empty.toString());

            RangeReply gap = cluster.kv(1, update(a, b));
            assertEquals(ErrorResponse.Code.BAD_REQUEST, code(gap));
            assertTrue(gap.getError().getMessage().contains("not contiguous"), gap.toString());

            RangeReply backwards = cluster.kv(1, update(desc(r2, 2, M, Keys.USER_START, 9)));
            assertEquals(ErrorResponse.Code.BAD_REQUEST, code(backwards));
            assertTrue(backwards.getError().getMessage().contains("not after its start"), backwards.toString());

            RangeReply twice = cluster.kv(1, update(a, desc(r2, 2, M, Keys.KEY_MAX, 9)));
            assertEquals(ErrorResponse.Code.BAD_REQUEST, code(twice));
            assertTrue(twice.getError().getMessage().contains("twice"), twice.toString());

            List<RangeDescriptor> many = new ArrayList<>();
            for (int i = 0; i <= MetaRecords.MAX_RECORDS_PER_UPDATE; i++) {
                many.add(desc(r2, 10 + i, new byte[] {0x10, (byte) i}, new byte[] {0x10, (byte) (i + 1)}, 9));
            }
            RangeReply tooMany = cluster.kv(1, update(many.toArray(RangeDescriptor[]::new)));
            assertEquals(ErrorResponse.Code.TOO_LARGE, code(tooMany), tooMany.toString());

            KvRequest toRange2 = update(a).toBuilder().setRangeId(2).build();
            RangeReply wrongRange = cluster.kv(1, toRange2);
            assertEquals(ErrorResponse.Code.BAD_REQUEST, code(wrongRange));
            assertTrue(wrongRange.getError().getMessage().contains("range 1 only"), wrongRange.toString());

            assertEquals(List.of(r2), meta(cluster).subList(1, 2), "nothing was written");
        }
    }

    /** The range client over the in-JVM nodes: "n<id>" is node id's address. */
    private static NodeDialer dialer(LocalCluster cluster) {
        return new NodeDialer() {
            @Override
            public CompletableFuture<RangeReply> send(String hostPort, KvRequest request) {
                CompletableFuture<RangeReply> f = new CompletableFuture<>();
                cluster.schedulers.get(Long.parseLong(hostPort.substring(1))).submitKv(request, f::complete);
                return f;
            }

            @Override
            public CompletableFuture<RangeReply> sendAdmin(String hostPort, AdminRequest request) {
                CompletableFuture<RangeReply> f = new CompletableFuture<>();
                cluster.schedulers.get(Long.parseLong(hostPort.substring(1))).submitAdmin(request, f::complete);
                return f;
            }

            @Override
            public void close() {}
        };
    }

    /**
     * Splits by the range client while two threads look keys up in meta as the client does (the
     * first record after {@code Keys.metaLookupStart(key)}), no cache in between: every lookup
     * finds a record holding its key, never a gap; afterwards meta holds both halves of each split.
     */
    @Test
    void lookupsDuringSplitsAlwaysFindTheKeysRecord() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 1, SchedulerSettings.defaults(), 1);
                RangeClient client = new RangeClient(dialer(cluster), List.of("n1"), RangeClientSettings.defaults(), 11)) {
            awaitMetaServed(cluster);
            int splits = 16;
            AtomicBoolean done = new AtomicBoolean();
            AtomicLong lookups = new AtomicLong();
            List<String> problems = new CopyOnWriteArrayList<>();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int reader = t;
                Thread th = new Thread(() -> {
                    // Keys on both sides of every split key, and between them.
                    for (int i = 0; !done.get() && i < 200_000 && problems.isEmpty(); i++) {
                        byte[] key = {0x20, (byte) ((i * 7 + reader * 3) % 64 * 4 + 1)};
                        try {
                            byte[] from = Keys.metaLookupStart(key);
                            RangeReply r = cluster.kv(1, KvRequest.newBuilder().setRangeId(1).setScan(KvScan.newBuilder()
                                    .setStartKey(ByteString.copyFrom(from)).setEndKey(ByteString.copyFrom(Keys.META_END))
                                    .setLimit(1)).build());
                            if (!r.hasKvResponse()) continue; // a lease or leadership hiccup: asked again
                            lookups.incrementAndGet();
                            List<KvPair> pairs = r.getKvResponse().getPairsList();
                            RangeDescriptor d = pairs.isEmpty() ? null : RangeDescriptor.parseFrom(pairs.get(0).getValue());
                            if (d == null || !Keys.contains(d.getStartKey().toByteArray(), d.getEndKey().toByteArray(), key)) {
                                problems.add("lookup " + i + " of " + Keys.pretty(key) + " found "
                                        + (d == null ? "nothing" : MetaRecords.describe(d)));
                            }
                        } catch (Exception e) {
                            problems.add("lookup of " + Keys.pretty(key) + ": " + e);
                        }
                    }
                }, "meta-lookup-" + t);
                th.start();
                readers.add(th);
            }
            List<SplitResult> results = new ArrayList<>();
            try {
                for (int i = 0; i < splits && problems.isEmpty(); i++) {
                    // Split points interleaved (0x2002, 0x2082, 0x2042, ...) so halves of earlier splits split again.
                    byte[] key = {0x20, (byte) (Integer.reverse(i) >>> 24 | 0x02)};
                    results.add(client.split(key));
                }
            } finally {
                done.set(true);
                for (Thread th : readers) th.join(30_000);
            }
            assertEquals(List.of(), problems);
            assertTrue(lookups.get() > 0, "the readers looked up nothing");
            List<RangeDescriptor> meta = meta(cluster);
            for (SplitResult s : results) {
                assertTrue(covers(meta, s.left()) && covers(meta, s.right()),
                        "meta holds both halves of " + s + " or their later pieces: " + meta);
            }
            assertEquals(splits + 2, meta.size(), "range 1, the user range and one per split");
            List<byte[]> keys = new ArrayList<>();
            for (RangeDescriptor d : meta) keys.add(Keys.metaKey(d.getEndKey().toByteArray()));
            assertNull(MetaRecords.tilingProblem(keys, meta));
        }
    }

    /** Whether meta's records over {@code d}'s span are {@code d} or newer pieces of it. */
    private static boolean covers(List<RangeDescriptor> meta, RangeDescriptor d) {
        byte[] at = d.getStartKey().toByteArray();
        for (RangeDescriptor r : meta) {
            if (!java.util.Arrays.equals(r.getStartKey().toByteArray(), at)) continue;
            if (Keys.compare(r.getEndKey().toByteArray(), d.getEndKey().toByteArray()) > 0) return false;
            if (r.getGeneration() < d.getGeneration()) return false;
            at = r.getEndKey().toByteArray();
            if (java.util.Arrays.equals(at, d.getEndKey().toByteArray())) return true;
        }
        return false;
    }
}

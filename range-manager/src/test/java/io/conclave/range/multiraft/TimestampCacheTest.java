package io.conclave.range.multiraft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.Timestamp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampCacheTest {
    private static final byte[] A = id(1);
    private static final byte[] B = id(2);

    private static byte[] id(int n) {
        byte[] b = new byte[16];
        b[15] = (byte) n;
        return b;
    }

    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Timestamp ts(long wall) {
        return new Timestamp(wall, 0);
    }

    private static Timestamp floorOf(TimestampCache c, String key, byte[] txn) {
        return c.floor(List.of(k(key)), List.of(), txn);
    }

    @Test
    void emptyCacheConstrainsNothingAboveLowWater() {
        assertEquals(Timestamp.MIN, floorOf(new TimestampCache(Timestamp.MIN, 10), "\u0004a", null));
        assertEquals(ts(100).next(), floorOf(new TimestampCache(ts(100), 10), "\u0004a", null));
    }

    @Test
    void aClaimPushesEveryWriteOfItsKeyTheClaimersOwnAndNonTransactionalOnesToo() {
        TimestampCache c = new TimestampCache(ts(100), 10);
        c.recordKey(k("\u0004v"), ts(110), A);
        c.recordClaim(k("\u0004v"), ts(500));
        assertEquals(ts(500).next(), floorOf(c, "\u0004v", A), "the claimer's own write");
        assertEquals(ts(500).next(), floorOf(c, "\u0004v", B));
        assertEquals(ts(500).next(), floorOf(c, "\u0004v", null));
        assertEquals(ts(500).next(), c.floor(List.of(), List.<byte[][]>of(new byte[][] {k("\u0004a"), k("\u0004z")}), B),
                "a span write over the claimed key");
        assertEquals(ts(100).next(), floorOf(c, "\u0004w", B), "another key");
        assertEquals(ts(110), c.maxTimestamp(), "claims are not reads: a split's or a lazily made cache's low water ignores them");
        assertEquals(ts(500), c.maxClaim());
    }

    @Test
    void theClaimsLowWaterPushesOnlyTransactionalWritesAndEvictedClaimsRaiseIt() {
        TimestampCache c = new TimestampCache(ts(100), ts(400), 10);
        assertEquals(ts(400).next(), floorOf(c, "\u0004x", B), "a predecessor's claim may cover any key");
        assertEquals(ts(100).next(), floorOf(c, "\u0004x", null), "a non-transactional write is not pushed ahead of the clocks");
        TimestampCache small = new TimestampCache(ts(100), 10);
        for (int i = 0; i <= TimestampCache.MAX_CLAIMED_KEYS; i++) small.recordClaim(k("\u0004c" + i), ts(1000 + i));
        assertEquals(ts(1000).next(), floorOf(small, "\u0004other", B), "the oldest claim, evicted, is the claims low water");
        assertEquals(ts(1000 + TimestampCache.MAX_CLAIMED_KEYS).next(), floorOf(small, "\u0004c" + TimestampCache.MAX_CLAIMED_KEYS, B));
    }

    @Test
    void aWriterAClaimPushedBlocksFurtherClaimsUntilAWriteOfItsKeyGetsThrough() {
        TimestampCache c = new TimestampCache(ts(100), 10);
        c.recordClaim(k("\u0004v"), ts(500));
        assertTrue(!c.writerWaiting(k("\u0004v"), ts(200), 250));
        c.noteWrite(List.of(k("\u0004v")), ts(501), ts(200));
        assertTrue(c.writerWaiting(k("\u0004v"), ts(300), 250));
        assertTrue(!c.writerWaiting(k("\u0004w"), ts(300), 250), "another key");
        assertTrue(!c.writerWaiting(k("\u0004v"), ts(752), 250), "a writer that never came back is forgotten");
        c.noteWrite(List.of(k("\u0004v")), ts(601), ts(200));
        c.noteWrite(List.of(k("\u0004v")), ts(601), ts(700));
        assertTrue(!c.writerWaiting(k("\u0004v"), ts(710), 250), "it got through");
    }

    @Test
    void recordMarksAreKeptApartFromReads() {
        TimestampCache c = new TimestampCache(ts(100), 10);
        byte[] marker = k("\u0004r\u0000\u0002id");
        assertEquals(ts(100).next(), c.recordFloor(marker, false), "below the low water nothing is known");
        assertEquals(Timestamp.MIN, c.recordFloor(marker, true), "a coordinator's first write ignores the low water");
        c.recordSpan(k("\u0004a"), k("\u0004z"), ts(200), A);
        assertEquals(Timestamp.MIN, c.recordFloor(marker, true), "a read of a span covering the record key is no removal");
        c.markRecordRemoved(marker, ts(150));
        assertEquals(ts(150).next(), c.recordFloor(marker, true));
        assertEquals(ts(150).next(), c.recordFloor(marker, false));
        assertEquals(Timestamp.MIN, c.recordFloor(k("\u0004s"), true), "other records are unmarked");
    }

    @Test
    void evictedRecordMarksRaiseTheLowWater() {
        TimestampCache c = new TimestampCache(Timestamp.MIN, 10);
        c.markRecordRemoved(k("\u0004m1"), ts(10));
        c.markRecordRemoved(k("\u0004m2"), ts(20));
        assertEquals(ts(10).next(), c.recordFloor(k("\u0004m3"), false), "one mark fits (a tenth of 10), the older was evicted");
        assertEquals(ts(20).next(), c.recordFloor(k("\u0004m2"), true));
    }

    @Test
    void writePlacedAboveOtherTransactionsReadsOnly() {
        TimestampCache c = new TimestampCache(ts(10), 10);
        c.recordKey(k("\u0004a"), ts(50), A);
        assertEquals(ts(50).next(), floorOf(c, "\u0004a", B));
        assertEquals(ts(50).next(), floorOf(c, "\u0004a", null));
        assertEquals(ts(10).next(), floorOf(c, "\u0004a", A), "a transaction's own read does not push it");
        assertEquals(ts(10).next(), floorOf(c, "\u0004b", B), "other keys are untouched");
        c.recordKey(k("\u0004a"), ts(50), B);
        assertEquals(ts(50).next(), floorOf(c, "\u0004a", A), "two readers at the same timestamp push both");
        c.recordKey(k("\u0004a"), ts(40), A);
        assertEquals(ts(50).next(), floorOf(c, "\u0004a", A), "a lower read changes nothing");
    }

    @Test
    void spansCoverTheirKeysAndOverlaps() {
        TimestampCache c = new TimestampCache(Timestamp.MIN, 10);
        c.recordSpan(k("\u0004b"), k("\u0004d"), ts(70), A);
        assertEquals(ts(70).next(), floorOf(c, "\u0004b", null));
        assertEquals(ts(70).next(), floorOf(c, "\u0004c\u0000zz", B));
        assertEquals(Timestamp.MIN, floorOf(c, "\u0004d", B), "the end is exclusive");
        assertEquals(Timestamp.MIN, floorOf(c, "\u0004a", B));
        assertEquals(Timestamp.MIN, floorOf(c, "\u0004c", A));
        assertEquals(ts(70).next(), c.floor(List.of(), List.<byte[][]>of(new byte[][] {k("\u0004a"), k("\u0004bb")}), B));
        assertEquals(Timestamp.MIN, c.floor(List.of(), List.<byte[][]>of(new byte[][] {k("\u0004a"), k("\u0004b")}), B));
    }

    @Test
    void overlappingSpansSplitIntoDisjointSegmentsAndMergeWhenCovered() {
        TimestampCache c = new TimestampCache(Timestamp.MIN, 100);
        c.recordSpan(k("\u0004b"), k("\u0004d"), ts(70), A);
        c.recordSpan(k("\u0004c"), k("\u0004e"), ts(30), B);
        assertEquals(2, c.counts().get("spans"), "[b,d)@70 and the part of [c,e) it does not cover, [d,e)@30");
        assertEquals(ts(70).next(), floorOf(c, "\u0004c", B), "the overlap keeps the higher read");
        assertEquals(ts(30).next(), floorOf(c, "\u0004d", A));
        assertEquals(Timestamp.MIN, floorOf(c, "\u0004d", B), "B's own read does not push B");
        c.recordSpan(k("\u0004c"), k("\u0004cc"), ts(50), B);
        assertEquals(2, c.counts().get("spans"), "a lower read inside a segment changes nothing");
        c.recordSpan(k("\u0004bb"), k("\u0004c"), ts(90), B);
        assertEquals(4, c.counts().get("spans"), "a higher read inside a segment splits it in three");
        assertEquals(ts(90).next(), floorOf(c, "\u0004bb", A));
        assertEquals(Timestamp.MIN, floorOf(c, "\u0004bb", B),
                "B's own read at 90 replaced A's at 70 there: B writes at or above 90 anyway");
        assertEquals(ts(70).next(), floorOf(c, "\u0004b", B), "the rest of [b,d) still pushes B");
        assertEquals(ts(90).next(), c.floor(List.of(), List.<byte[][]>of(new byte[][] {k("\u0004a"), k("\u0004z")}), A));
        c.recordSpan(k("\u0004a"), k("\u0004z"), ts(100), null);
        assertEquals(1, c.counts().get("spans"), "a read above them all covers them with one segment");
        assertEquals(ts(100).next(), floorOf(c, "\u0004y", A));
        c.recordSpan(k("\u0004a"), k("\u0004z"), ts(100), A);
        assertEquals(ts(100).next(), floorOf(c, "\u0004y", A), "two readers at the same timestamp push both");
    }

    /**
     * Model check of the segments: against every span read still above the low-water mark, a
     * write's floor is never below a foreign read of its key (tested below too) and never above
     * the highest read of it or the low-water mark: splitting loses no read and invents none.
     */
    @Test
    void segmentsRememberExactlyTheHighestReadPerKey() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 100; round++) {
            int max = 10 + random.nextInt(400);
            TimestampCache c = new TimestampCache(Timestamp.MIN, max);
            List<Object[]> reads = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                byte[] txn = random.nextInt(3) == 0 ? null : id(random.nextInt(3));
                Timestamp t = new Timestamp(1 + random.nextInt(100), random.nextInt(2));
                int from = random.nextInt(16);
                byte[] s = {4, (byte) from};
                byte[] e = {4, (byte) (from + 1 + random.nextInt(6))};
                c.recordSpan(s, e, t, txn);
                reads.add(new Object[] {s, e, t});
                for (int q = 0; q < 23; q++) {
                    byte[] key = {4, (byte) q};
                    Timestamp highest = c.lowWater();
                    for (Object[] r : reads) {
                        if (io.conclave.range.Keys.contains((byte[]) r[0], (byte[]) r[1], key)) {
                            highest = Timestamp.max(highest, (Timestamp) r[2]);
                        }
                    }
                    Timestamp f = c.floor(List.of(key), List.of(), null);
                    Timestamp bound = highest.equals(Timestamp.MIN) ? Timestamp.MIN : highest.next();
                    assertEquals(bound, f, "seed " + seed + " round " + round + " read " + i + " key " + q);
                }
                assertTrue(c.counts().get("spans") <= max / 10, "seed " + seed + ": segments over their bound");
            }
        }
    }

    @Test
    void evictionRaisesLowWaterSoForgettingOnlyPushesHigher() {
        TimestampCache c = new TimestampCache(Timestamp.MIN, 3);
        c.recordKey(k("\u0004a"), ts(10), A);
        c.recordKey(k("\u0004b"), ts(20), A);
        c.recordSpan(k("\u0004c"), k("\u0004e"), ts(30), A);
        c.recordKey(k("\u0004f"), ts(40), A);
        assertEquals(3, c.size());
        assertEquals(ts(10), c.lowWater());
        assertEquals(ts(10).next(), floorOf(c, "\u0004a", B));
        c.recordKey(k("\u0004g"), ts(5), A); // below low water: nothing to remember
        assertEquals(3, c.size());
        c.recordKey(k("\u0004g"), ts(50), A);
        assertEquals(ts(20), c.lowWater());
        assertEquals(ts(50), c.maxTimestamp());
    }

    @Test
    void spansHaveATenthOfTheBoundToThemselves() {
        TimestampCache c = new TimestampCache(Timestamp.MIN, 20);
        c.recordKey(k("\u0004z"), ts(1), A);
        c.recordSpan(k("\u0004a"), k("\u0004b"), ts(10), A);
        c.recordSpan(k("\u0004c"), k("\u0004d"), ts(20), A);
        c.recordSpan(k("\u0004e"), k("\u0004f"), ts(30), A);
        assertEquals(3, c.size(), "one point and the two highest spans");
        assertEquals(ts(10), c.lowWater(), "the lowest span went, not the lower point");
        assertEquals(ts(20).next(), floorOf(c, "\u0004c", B));
    }

    @Test
    void resetForgetsAndStartsAtTheNewLowWater() {
        TimestampCache c = new TimestampCache(Timestamp.MIN, 10);
        c.recordKey(k("\u0004a"), ts(90), null);
        c.reset(ts(100));
        assertEquals(0, c.size());
        assertEquals(ts(100).next(), floorOf(c, "\u0004a", A));
    }

    /**
     * Model check of the eviction order: against a list of every remembered read, evicting the
     * lowest (timestamp, age) one by one, the cache keeps the same count, spans and low-water mark
     * after every read, whatever mix of new reads and raised ones (which leave stale heap nodes).
     */
    @Test
    void evictionOrderMatchesAListModelThroughRaises() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 100; round++) {
            int max = 1 + random.nextInt(30);
            int maxSpans = Math.max(1, max / 10);
            TimestampCache c = new TimestampCache(Timestamp.MIN, max);
            List<long[]> model = new ArrayList<>(); // {key, end (-1: point), wall, seq}
            long lowWall = 0;
            long seq = 0;
            for (int i = 0; i < 300; i++) {
                boolean span = random.nextInt(4) == 0;
                // Spans on a grid of disjoint ones: a read of the same span raises it, as a point's does.
                int key = span ? 2 * random.nextInt(6) : random.nextInt(12);
                int end = span ? key + 2 : -1;
                long wall = 1 + random.nextInt(60) + i / 2; // mostly rising, as reads are
                if (span) {
                    c.recordSpan(new byte[] {4, (byte) key}, new byte[] {4, (byte) end}, ts(wall), null);
                } else {
                    c.recordKey(new byte[] {4, (byte) key}, ts(wall), null);
                }
                if (wall > lowWall) {
                    long[] found = null;
                    for (long[] m : model) {
                        if (m[0] == key && m[1] == end) found = m;
                    }
                    if (found == null) {
                        model.add(new long[] {key, end, wall, seq++});
                    } else {
                        found[2] = Math.max(found[2], wall);
                    }
                    while (true) {
                        long spans = model.stream().filter(m -> m[1] >= 0).count();
                        boolean overAll = model.size() > max;
                        if (!overAll && spans <= maxSpans) break;
                        long[] lowest = null;
                        for (long[] m : model) {
                            if ((overAll || m[1] >= 0) && (lowest == null || m[2] < lowest[2]
                                    || (m[2] == lowest[2] && m[3] < lowest[3]))) {
                                lowest = m;
                            }
                        }
                        model.remove(lowest);
                        lowWall = Math.max(lowWall, lowest[2]);
                    }
                }
                String where = "seed " + seed + " round " + round + " read " + i;
                assertEquals(model.size(), c.size(), where);
                assertEquals(model.stream().filter(m -> m[1] >= 0).count(), (long) c.counts().get("spans"), where);
                assertEquals(lowWall == 0 ? Timestamp.MIN : ts(lowWall), c.lowWater(), where);
            }
        }
    }

    /** Raising one key over and over leaves stale heap nodes behind; they stay bounded. */
    @Test
    void staleEvictionNodesStayBounded() {
        TimestampCache c = new TimestampCache(Timestamp.MIN, 1_000);
        for (long wall = 1; wall <= 10_000; wall++) {
            c.recordKey(k("\u0004a"), ts(wall), A);
            c.recordSpan(k("\u0004b"), k("\u0004c"), ts(wall), A);
        }
        assertEquals(2, c.size());
        int nodes = c.counts().get("heapNodes");
        assertTrue(nodes <= 2 * (2 * 2 + TimestampCache.STALE_SLACK + 1), "heap nodes " + nodes);
        assertEquals(ts(10_000).next(), floorOf(c, "\u0004a", B));
    }

    /** Model check: the floor is never below what a naive list of every read says. */
    @Test
    void floorNeverBelowEveryRecordedForeignRead() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 50; round++) {
            TimestampCache c = new TimestampCache(Timestamp.MIN, 1 + random.nextInt(40));
            List<Object[]> reads = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                byte[] txn = random.nextInt(4) == 0 ? null : id(random.nextInt(3));
                Timestamp t = new Timestamp(1 + random.nextInt(100), random.nextInt(3));
                byte[] s = {4, (byte) random.nextInt(8)};
                if (random.nextBoolean()) {
                    c.recordKey(s, t, txn);
                    reads.add(new Object[] {s, io.conclave.range.Keys.next(s), t, txn});
                } else {
                    byte[] e = {4, (byte) (s[1] + 1 + random.nextInt(3))};
                    c.recordSpan(s, e, t, txn);
                    reads.add(new Object[] {s, e, t, txn});
                }
                byte[] q = {4, (byte) random.nextInt(10)};
                byte[] writer = random.nextInt(4) == 0 ? null : id(random.nextInt(3));
                Timestamp f = c.floor(List.of(q), List.of(), writer);
                for (Object[] r : reads) {
                    boolean covers = io.conclave.range.Keys.contains((byte[]) r[0], (byte[]) r[1], q);
                    boolean own = writer != null && r[3] != null && java.util.Arrays.equals(writer, (byte[]) r[3]);
                    Timestamp rt = (Timestamp) r[2];
                    // Own reads may be dropped only if the writer's own read at or above them remains.
                    if (covers && !own) {
                        boolean ok = f.isAfter(rt) || ownReadAtOrAbove(reads, q, writer, rt);
                        assertTrue(ok, "seed " + seed + ": floor " + f + " not above a foreign read at " + rt);
                    }
                }
            }
        }
    }

    private static boolean ownReadAtOrAbove(List<Object[]> reads, byte[] q, byte[] writer, Timestamp t) {
        if (writer == null) return false;
        for (Object[] r : reads) {
            if (r[3] != null && java.util.Arrays.equals(writer, (byte[]) r[3])
                    && io.conclave.range.Keys.contains((byte[]) r[0], (byte[]) r[1], q)
                    && !((Timestamp) r[2]).isBefore(t)) {
                return true;
            }
        }
        return false;
    }
}

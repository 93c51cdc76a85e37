package io.conclave.range.multiraft;

import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The leaseholder's memory of the reads it served in one range: for each user key (or span),
 * the highest timestamp it was read at and by which transaction. A write to a key is then
 * placed above every read of it by another transaction ({@link #floor}), so a read never
 * misses a write that lands below its timestamp after it was served.
 *
 * <p>Per key only the highest read is kept, with its transaction id; two different readers at
 * the same highest timestamp leave no id (either may push the other). Dropping the lower reads
 * of other transactions is safe: a transaction writes at or above its own read timestamp, so
 * its write, even where its own read is the highest, lands above all lower reads.
 *
 * <p>Spans are kept as disjoint segments, each with the highest read over it (as CockroachDB's
 * interval cache ratchets): a read of a span that overlaps remembered ones splits them at its
 * ends and raises the overlap. A write then finds the reads above its keys with one ordered
 * lookup plus the segments it touches, where a list of overlapping spans had to be checked one
 * by one; under a scan-heavy load that check took a fifth of the scheduler thread.
 *
 * <p>Bounded: beyond {@code maxEntries} points plus segments (or a tenth of that in segments),
 * the lowest entries are evicted and
 * the low-water mark rises to their timestamp, so forgetting only ever pushes writes higher.
 * The low-water mark starts at the lease start: reads of earlier leaseholders happened below it.
 * Confined to the scheduler thread.
 *
 * <p>The eviction order (lowest timestamp first, then oldest entry) is kept in min-heaps that
 * are updated lazily: a raised entry pushes a new heap node and leaves its old one behind as
 * stale, to be skipped when it surfaces. Reads come at rising timestamps, so the new node is
 * usually the heap's largest and settles in one comparison, where an ordered set would remove
 * and reinsert the entry (two searches and rebalancings) on every read of a key read before.
 * Stale nodes are bounded: past twice the live entries (plus slack) a heap is rebuilt.
 */
final class TimestampCache {
    /** Default bound per range: tens of bytes per entry plus the key, a few MiB per busy range. */
    static final int DEFAULT_MAX_ENTRIES = 50_000;

    /** Heap nodes kept beyond twice the live entries before a heap is rebuilt without its stale nodes. */
    static final int STALE_SLACK = 64;

    /** One read: a point when {@code end} is null, else the span [key, end). txnId null: none or several. */
    private static final class Entry {
        final byte[] key;
        final byte[] end;
        Timestamp ts;
        byte[] txnId;
        final long seq;
        /** Evicted or forgotten: every heap node of it is stale. */
        boolean gone;

        Entry(byte[] key, byte[] end, Timestamp ts, byte[] txnId, long seq) {
            this.key = key;
            this.end = end;
            this.ts = ts;
            this.txnId = txnId;
            this.seq = seq;
        }
    }

    /** An entry's place in an eviction heap as of timestamp {@code ts}; stale once the entry moved on. */
    private record Node(Timestamp ts, long seq, Entry entry) {
        boolean live() {
            return !entry.gone && entry.ts.equals(ts);
        }
    }

    private static final java.util.Comparator<Node> LOWEST_FIRST = (a, b) -> {
        int c = a.ts.compareTo(b.ts);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    };

    /** A min-heap of entries, lowest timestamp (then oldest) first, with lazily dropped stale nodes. */
    private static final class EvictionOrder {
        private java.util.PriorityQueue<Node> heap = new java.util.PriorityQueue<>(LOWEST_FIRST);

        /** Adds (or, after a raise, re-adds) {@code e} at its current timestamp; {@code live} entries are in this order. */
        void push(Entry e, int live) {
            heap.add(new Node(e.ts, e.seq, e));
            if (heap.size() > 2 * live + STALE_SLACK) {
                java.util.PriorityQueue<Node> kept = new java.util.PriorityQueue<>(Math.max(1, live), LOWEST_FIRST);
                for (Node n : heap) {
                    if (n.live()) kept.add(n);
                }
                heap = kept;
            }
        }

        /** The lowest live entry; the caller makes it gone (or raises it) before asking again. */
        Entry lowest() {
            while (true) {
                Node n = heap.peek();
                Invariants.check(n != null, "timestamp cache eviction order is empty while entries remain");
                if (n.live()) return n.entry;
                heap.poll();
            }
        }

        int nodes() {
            return heap.size();
        }

        void clear() {
            heap.clear();
        }
    }

    private final int maxEntries;
    private Timestamp lowWater;
    private final TreeMap<byte[], Entry> points = new TreeMap<>(Keys::compare);
    /** Span reads as disjoint segments by start key. */
    private final TreeMap<byte[], Entry> spans = new TreeMap<>(Keys::compare);
    /** Every entry, lowest timestamp first: what eviction removes. */
    private final EvictionOrder byTs = new EvictionOrder();
    /** The segments alone, lowest timestamp first: they have a bound of their own. */
    private final EvictionOrder spansByTs = new EvictionOrder();
    private final int maxSpans;
    /** Removed transaction records by marker key, oldest mark first (eviction order). */
    private final LinkedHashMap<ByteBuffer, Timestamp> recordMarks = new LinkedHashMap<>();
    private final int maxRecordMarks;
    private long nextSeq;
    private Timestamp max;
    /**
     * Claims (claiming reads): keys recorded ahead of their read timestamp, up to a fraction of a
     * second past the clock, with the claim's end. Kept apart from the reads: a claim pushes a
     * write ahead of every clock, which only a transaction (whose commit waits until the clocks
     * pass it) may be; so the claim low-water mark, which stands for claims this cache cannot
     * name (recorded by a predecessor, evicted), applies to transactional writes only, while a
     * named claim pushes every write of its key. Bounded, oldest first; eviction raises the claim
     * low-water mark, which only delays transactional writes.
     */
    private final LinkedHashMap<ByteBuffer, Timestamp> claims = new LinkedHashMap<>();
    private Timestamp claimLowWater;
    /**
     * Keys whose writer a claim pushed ahead of the clock, with where it was pushed to. Only for
     * liveness (see {@link #writerWaiting}): forgetting them (bounded, oldest first) is safe.
     */
    private final LinkedHashMap<ByteBuffer, Timestamp> waitingWriters = new LinkedHashMap<>();
    /** Claimed keys (and waiting writers) remembered at most: claims are for a few hot keys (the catalog version). */
    static final int MAX_CLAIMED_KEYS = 256;

    TimestampCache(Timestamp lowWater, int maxEntries) {
        this(lowWater, lowWater, maxEntries);
    }

    /** @param claimLowWater where claims this cache cannot name end at the latest (at or above {@code lowWater}) */
    TimestampCache(Timestamp lowWater, Timestamp claimLowWater, int maxEntries) {
        Invariants.check(maxEntries >= 1, "timestamp cache needs room for at least one entry, was %s", maxEntries);
        this.claimLowWater = Timestamp.max(lowWater, claimLowWater);
        this.maxEntries = maxEntries;
        this.maxSpans = Math.max(1, maxEntries / 10);
        this.maxRecordMarks = Math.max(1, maxEntries / 10);
        this.lowWater = lowWater;
        this.max = lowWater;
    }

    /** Forgets every read and starts over at {@code lowWater} (a new lease of this node). */
    void reset(Timestamp lowWater) {
        for (Entry e : points.values()) e.gone = true;
        for (Entry e : spans.values()) e.gone = true;
        points.clear();
        spans.clear();
        byTs.clear();
        spansByTs.clear();
        claims.clear();
        waitingWriters.clear();
        this.lowWater = lowWater;
        this.claimLowWater = lowWater;
        this.max = lowWater;
    }

    Timestamp lowWater() {
        return lowWater;
    }

    /** The highest timestamp any read recorded here was at, or the low-water mark. */
    Timestamp maxTimestamp() {
        return max;
    }

    int size() {
        return points.size() + spans.size();
    }

    /** Records a read of {@code key} at {@code ts} by {@code txnId} (null: not transactional). */
    void recordKey(byte[] key, Timestamp ts, byte[] txnId) {
        if (!ts.isAfter(lowWater)) return;
        max = Timestamp.max(max, ts);
        Entry e = points.get(key);
        if (e == null) {
            e = new Entry(key.clone(), null, ts, txnId == null ? null : txnId.clone(), nextSeq++);
            points.put(e.key, e);
            byTs.push(e, size());
            evict();
            return;
        }
        raise(e, ts, txnId);
    }

    /**
     * Records a claiming read of {@code key} up to {@code claimEnd}, by no transaction: every
     * write of the key, its claimer's own included, lands above it ({@link #floor}).
     */
    void recordClaim(byte[] key, Timestamp claimEnd) {
        claims.merge(ByteBuffer.wrap(key.clone()), claimEnd, Timestamp::max);
        while (claims.size() > MAX_CLAIMED_KEYS) {
            var eldest = claims.entrySet().iterator();
            claimLowWater = Timestamp.max(claimLowWater, eldest.next().getValue());
            eldest.remove();
        }
    }

    /** The highest claim this cache knows or stands for: what a successor's timestamp cache must start above. */
    Timestamp maxClaim() {
        Timestamp highest = claimLowWater;
        for (Timestamp t : claims.values()) highest = Timestamp.max(highest, t);
        return highest;
    }

    /**
     * Notes a write of {@code keys} proposed with {@code floor} at {@code now}: a write a claim
     * pushed ahead of the clock waits there (its coordinator waits for its clock, then tries
     * again), and further claims of its keys would push it again and again.
     */
    void noteWrite(List<byte[]> keys, Timestamp floor, Timestamp now) {
        if (!floor.isAfter(now)) {
            // Not pushed ahead: the writer a claim held up (if it is this one) gets through now.
            if (!waitingWriters.isEmpty()) {
                for (byte[] k : keys) waitingWriters.remove(ByteBuffer.wrap(k));
            }
            return;
        }
        if (claims.isEmpty()) return;
        for (byte[] k : keys) {
            Timestamp claim = claims.get(ByteBuffer.wrap(k));
            if (claim != null && claim.isAfter(now)) remember(waitingWriters, k, floor);
        }
    }

    /**
     * Whether a writer of {@code key} was pushed ahead of the clock by a claim, has not got
     * through since (a write of the key not pushed ahead), and was pushed to less than
     * {@code graceNanos} before {@code now} (a writer that gave up is forgotten): a claiming read
     * then claims nothing, so the writer gets through once its coordinator's clock passes where it
     * was pushed to, instead of being pushed again by every renewed claim.
     */
    boolean writerWaiting(byte[] key, Timestamp now, long graceNanos) {
        ByteBuffer k = ByteBuffer.wrap(key);
        Timestamp pushedTo = waitingWriters.get(k);
        if (pushedTo == null) return false;
        if (now.wallNanos() - pushedTo.wallNanos() > graceNanos) {
            waitingWriters.remove(k);
            return false;
        }
        return true;
    }

    private static void remember(LinkedHashMap<ByteBuffer, Timestamp> map, byte[] key, Timestamp ts) {
        map.merge(ByteBuffer.wrap(key.clone()), ts, Timestamp::max);
        while (map.size() > MAX_CLAIMED_KEYS) {
            var eldest = map.entrySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    /**
     * Records a read of every key of [start, end) at {@code ts} by {@code txnId}: segments it
     * overlaps are split at its ends and their overlap raised, the gaps between them filled.
     */
    void recordSpan(byte[] start, byte[] end, Timestamp ts, byte[] txnId) {
        if (!ts.isAfter(lowWater)) return;
        max = Timestamp.max(max, ts);
        List<Entry> overlapped = overlapping(start, end);
        if (overlapped.size() == 1) {
            Entry o = overlapped.get(0);
            if (Arrays.equals(o.key, start) && Arrays.equals(o.end, end)) {
                raise(o, ts, txnId);
                return;
            }
            if (Keys.compare(o.key, start) <= 0 && Keys.compare(o.end, end) >= 0 && keeps(o, ts, txnId)) return;
        }
        byte[] s = start.clone();
        byte[] e = end.clone();
        byte[] txn = txnId == null ? null : txnId.clone();
        List<Entry> pieces = new ArrayList<>(overlapped.size() * 2 + 1);
        byte[] at = s;
        for (Entry o : overlapped) {
            if (Keys.compare(o.key, s) < 0) pieces.add(new Entry(o.key, s, o.ts, o.txnId, o.seq));
            byte[] from = Keys.compare(o.key, s) < 0 ? s : o.key;
            if (Keys.compare(at, from) < 0) pieces.add(new Entry(at, from, ts, txn, nextSeq++));
            byte[] to = Keys.compare(o.end, e) > 0 ? e : o.end;
            pieces.add(ratchet(o, from, to, ts, txn));
            if (Keys.compare(o.end, e) > 0) pieces.add(new Entry(e, o.end, o.ts, o.txnId, o.seq));
            at = to;
        }
        if (Keys.compare(at, e) < 0) pieces.add(new Entry(at, e, ts, txn, nextSeq++));
        for (Entry o : overlapped) {
            o.gone = true;
            spans.remove(o.key);
        }
        List<Entry> merged = new ArrayList<>(pieces.size());
        for (Entry p : pieces) {
            Entry last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last.ts.equals(p.ts) && Arrays.equals(last.txnId, p.txnId)) {
                // Adjacent pieces that remember the same read are one segment.
                merged.set(merged.size() - 1, new Entry(last.key, p.end, p.ts, p.txnId, Math.min(last.seq, p.seq)));
            } else {
                merged.add(p);
            }
        }
        for (Entry p : merged) {
            spans.put(p.key, p);
            byTs.push(p, size());
            spansByTs.push(p, spans.size());
        }
        evict();
    }

    /** The segments that overlap [start, end), in key order. */
    private List<Entry> overlapping(byte[] start, byte[] end) {
        List<Entry> out = new ArrayList<>(2);
        Map.Entry<byte[], Entry> before = spans.lowerEntry(start);
        if (before != null && Keys.compare(before.getValue().end, start) > 0) out.add(before.getValue());
        out.addAll(spans.subMap(start, true, end, false).values());
        return out;
    }

    /** Whether {@code o} already remembers a read at {@code ts} by {@code txnId} (it is higher, or as high and as named). */
    private static boolean keeps(Entry o, Timestamp ts, byte[] txnId) {
        int c = ts.compareTo(o.ts);
        return c < 0 || (c == 0 && (o.txnId == null || Arrays.equals(o.txnId, txnId)));
    }

    /** The part [from, to) of segment {@code o} after a read of it at {@code ts} by {@code txn}. */
    private Entry ratchet(Entry o, byte[] from, byte[] to, Timestamp ts, byte[] txn) {
        if (ts.compareTo(o.ts) > 0) return new Entry(from, to, ts, txn, nextSeq++);
        return new Entry(from, to, o.ts, keeps(o, ts, txn) ? o.txnId : null, o.seq);
    }

    private void raise(Entry e, Timestamp ts, byte[] txnId) {
        int c = ts.compareTo(e.ts);
        if (c < 0) return;
        if (c == 0) {
            if (e.txnId != null && (txnId == null || !Arrays.equals(e.txnId, txnId))) e.txnId = null;
            return;
        }
        // The entry's nodes at its old timestamp become stale; it is pushed again at the new one.
        e.ts = ts;
        e.txnId = txnId == null ? null : txnId.clone();
        byTs.push(e, size());
        if (e.end != null) spansByTs.push(e, spans.size());
    }

    private void evict() {
        while (size() > maxEntries || spans.size() > maxSpans) {
            Entry e = size() > maxEntries ? byTs.lowest() : spansByTs.lowest();
            e.gone = true;
            lowWater = Timestamp.max(lowWater, e.ts);
            if (e.end == null) {
                points.remove(e.key);
            } else {
                spans.remove(e.key);
            }
        }
    }

    /**
     * The lowest timestamp a write of {@code keys} and {@code writeSpans} by {@code txnId} (null:
     * not transactional) may take: just above every read of them by another transaction and
     * above the low-water mark; {@link Timestamp#MIN} when nothing constrains it.
     */
    Timestamp floor(List<byte[]> keys, List<byte[][]> writeSpans, byte[] txnId) {
        Timestamp highest = txnId == null ? lowWater : Timestamp.max(lowWater, claimLowWater);
        for (byte[] k : keys) highest = Timestamp.max(highest, highestRead(k, Keys.next(k), txnId));
        for (byte[][] s : writeSpans) highest = Timestamp.max(highest, highestRead(s[0], s[1], txnId));
        if (!claims.isEmpty()) {
            for (byte[] k : keys) {
                Timestamp claim = claims.get(ByteBuffer.wrap(k));
                if (claim != null) highest = Timestamp.max(highest, claim);
            }
            for (var c : claims.entrySet()) {
                for (byte[][] s : writeSpans) {
                    if (Keys.contains(s[0], s[1], c.getKey().array())) highest = Timestamp.max(highest, c.getValue());
                }
            }
        }
        return highest.equals(Timestamp.MIN) ? Timestamp.MIN : highest.next();
    }

    /**
     * Marks the record of a finished transaction removed at {@code ts}: a record absent at the
     * marker key is not created again at or below it. Marks live apart from reads, in store-key
     * space, so that no read of a user span (which may cover the record's store key) ever looks
     * like a removal.
     */
    void markRecordRemoved(byte[] marker, Timestamp ts) {
        if (!ts.isAfter(lowWater)) return;
        max = Timestamp.max(max, ts);
        recordMarks.merge(ByteBuffer.wrap(marker.clone()), ts, Timestamp::max);
        while (recordMarks.size() > maxRecordMarks) {
            var eldest = recordMarks.entrySet().iterator();
            lowWater = Timestamp.max(lowWater, eldest.next().getValue());
            eldest.remove();
        }
    }

    /**
     * The lowest timestamp at which an absent record at {@code marker} may be created:
     * above its removal mark and, unless {@code creation} (the coordinator's own first write,
     * which only a removal it made itself could precede), above the low-water mark, below which
     * this cache cannot tell whether a record was removed.
     */
    Timestamp recordFloor(byte[] marker, boolean creation) {
        Timestamp mark = recordMarks.getOrDefault(ByteBuffer.wrap(marker), Timestamp.MIN);
        Timestamp highest = creation ? mark : Timestamp.max(lowWater, mark);
        return highest.equals(Timestamp.MIN) ? Timestamp.MIN : highest.next();
    }

    /** The highest read of any key of [start, end) by a transaction other than {@code txnId}. */
    private Timestamp highestRead(byte[] start, byte[] end, byte[] txnId) {
        Timestamp highest = Timestamp.MIN;
        for (Entry e : points.subMap(start, true, end, false).values()) {
            if (foreign(e, txnId)) highest = Timestamp.max(highest, e.ts);
        }
        for (Entry e : overlapping(start, end)) {
            if (foreign(e, txnId)) highest = Timestamp.max(highest, e.ts);
        }
        return highest;
    }

    private static boolean foreign(Entry e, byte[] txnId) {
        return txnId == null || e.txnId == null || !Arrays.equals(e.txnId, txnId);
    }

    /** For tests and status: how many reads are remembered per kind. */
    Map<String, Integer> counts() {
        Map<String, Integer> m = new HashMap<>();
        m.put("points", points.size());
        m.put("spans", spans.size());
        m.put("heapNodes", byTs.nodes() + spansByTs.nodes());
        return m;
    }
}

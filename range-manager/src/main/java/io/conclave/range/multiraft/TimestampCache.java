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
import java.util.TreeSet;

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
 * <p>Bounded: beyond {@code maxEntries} points plus spans (or a tenth of that in spans, which a
 * write checks one by one), the lowest entries are evicted and
 * the low-water mark rises to their timestamp, so forgetting only ever pushes writes higher.
 * The low-water mark starts at the lease start: reads of earlier leaseholders happened below it.
 * Confined to the scheduler thread.
 */
final class TimestampCache {
    /** Default bound per range: tens of bytes per entry plus the key, a few MiB per busy range. */
    static final int DEFAULT_MAX_ENTRIES = 50_000;

    /** One read: a point when {@code end} is null, else the span [key, end). txnId null: none or several. */
    private static final class Entry {
        final byte[] key;
        final byte[] end;
        Timestamp ts;
        byte[] txnId;
        final long seq;

        Entry(byte[] key, byte[] end, Timestamp ts, byte[] txnId, long seq) {
            this.key = key;
            this.end = end;
            this.ts = ts;
            this.txnId = txnId;
            this.seq = seq;
        }
    }

    private final int maxEntries;
    private Timestamp lowWater;
    private final TreeMap<byte[], Entry> points = new TreeMap<>(Keys::compare);
    /** Spans by start key; several spans may share a start, kept as one list. */
    private final TreeMap<byte[], List<Entry>> spans = new TreeMap<>(Keys::compare);
    private int spanCount;
    /** Every entry, lowest timestamp first: what eviction removes. */
    private final TreeSet<Entry> byTs = new TreeSet<>((a, b) -> {
        int c = a.ts.compareTo(b.ts);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    });
    /** The span entries alone, lowest timestamp first: a write checks spans linearly, so they have a bound of their own. */
    private final TreeSet<Entry> spansByTs = new TreeSet<>((a, b) -> {
        int c = a.ts.compareTo(b.ts);
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    });
    private final int maxSpans;
    /** Removed transaction records by marker key, oldest mark first (eviction order). */
    private final LinkedHashMap<ByteBuffer, Timestamp> recordMarks = new LinkedHashMap<>();
    private final int maxRecordMarks;
    private long nextSeq;
    private Timestamp max;

    TimestampCache(Timestamp lowWater, int maxEntries) {
        Invariants.check(maxEntries >= 1, "timestamp cache needs room for at least one entry, was %s", maxEntries);
        this.maxEntries = maxEntries;
        this.maxSpans = Math.max(1, maxEntries / 10);
        this.maxRecordMarks = Math.max(1, maxEntries / 10);
        this.lowWater = lowWater;
        this.max = lowWater;
    }

    /** Forgets every read and starts over at {@code lowWater} (a new lease of this node). */
    void reset(Timestamp lowWater) {
        points.clear();
        spans.clear();
        byTs.clear();
        spansByTs.clear();
        spanCount = 0;
        this.lowWater = lowWater;
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
        return points.size() + spanCount;
    }

    /** Records a read of {@code key} at {@code ts} by {@code txnId} (null: not transactional). */
    void recordKey(byte[] key, Timestamp ts, byte[] txnId) {
        if (!ts.isAfter(lowWater)) return;
        max = Timestamp.max(max, ts);
        Entry e = points.get(key);
        if (e == null) {
            e = new Entry(key.clone(), null, ts, txnId == null ? null : txnId.clone(), nextSeq++);
            points.put(e.key, e);
            byTs.add(e);
            evict();
            return;
        }
        raise(e, ts, txnId);
    }

    /** Records a read of every key of [start, end) at {@code ts} by {@code txnId}. */
    void recordSpan(byte[] start, byte[] end, Timestamp ts, byte[] txnId) {
        if (!ts.isAfter(lowWater)) return;
        max = Timestamp.max(max, ts);
        List<Entry> atStart = spans.computeIfAbsent(start.clone(), k -> new ArrayList<>(1));
        for (Entry e : atStart) {
            if (Arrays.equals(e.end, end)) {
                raise(e, ts, txnId);
                return;
            }
        }
        Entry e = new Entry(start.clone(), end.clone(), ts, txnId == null ? null : txnId.clone(), nextSeq++);
        atStart.add(e);
        spanCount++;
        byTs.add(e);
        spansByTs.add(e);
        evict();
    }

    private void raise(Entry e, Timestamp ts, byte[] txnId) {
        int c = ts.compareTo(e.ts);
        if (c < 0) return;
        if (c == 0) {
            if (e.txnId != null && (txnId == null || !Arrays.equals(e.txnId, txnId))) e.txnId = null;
            return;
        }
        byTs.remove(e);
        if (e.end != null) spansByTs.remove(e);
        e.ts = ts;
        e.txnId = txnId == null ? null : txnId.clone();
        byTs.add(e);
        if (e.end != null) spansByTs.add(e);
    }

    private void evict() {
        while (points.size() + spanCount > maxEntries || spanCount > maxSpans) {
            Entry e = points.size() + spanCount > maxEntries ? byTs.first() : spansByTs.first();
            byTs.remove(e);
            lowWater = Timestamp.max(lowWater, e.ts);
            if (e.end == null) {
                points.remove(e.key);
            } else {
                spansByTs.remove(e);
                List<Entry> atStart = spans.get(e.key);
                atStart.remove(e);
                if (atStart.isEmpty()) spans.remove(e.key);
                spanCount--;
            }
        }
    }

    /**
     * The lowest timestamp a write of {@code keys} and {@code writeSpans} by {@code txnId} (null:
     * not transactional) may take: just above every read of them by another transaction and
     * above the low-water mark; {@link Timestamp#MIN} when nothing constrains it.
     */
    Timestamp floor(List<byte[]> keys, List<byte[][]> writeSpans, byte[] txnId) {
        Timestamp highest = lowWater;
        for (byte[] k : keys) highest = Timestamp.max(highest, highestRead(k, Keys.next(k), txnId));
        for (byte[][] s : writeSpans) highest = Timestamp.max(highest, highestRead(s[0], s[1], txnId));
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
        // Spans starting before `end` that reach past `start`; linear in the spans (bounded).
        for (List<Entry> atStart : spans.headMap(end, false).values()) {
            for (Entry e : atStart) {
                if (Keys.compare(e.end, start) > 0 && foreign(e, txnId)) highest = Timestamp.max(highest, e.ts);
            }
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
        m.put("spans", spanCount);
        return m;
    }
}

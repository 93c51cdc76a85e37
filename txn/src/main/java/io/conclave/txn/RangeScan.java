package io.conclave.txn;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.client.KeyValue;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RoutedResponse;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.TxnScan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One transactional scan of {@code [start, end)}: requests to the ranges in rounds of up to
 * {@code parallelism}, answers reassembled in key order, each piece merged with the
 * transaction's buffered writes and handed to the sink.
 *
 * <p>Only the first piece of a round (the one at the cursor) may change the transaction: when
 * its request fails (an intent, an uncertain value, a split, a filter failure) it is read again
 * through {@link Coordinator#read}, which pushes, waits, moves the read timestamp and refreshes
 * exactly as a single read does. Pieces further on are one attempt each, kept only while the
 * read timestamp they were read at is still the transaction's; a failed one is read again when
 * the cursor reaches it. Every round therefore delivers at least one piece, and a piece enters
 * the read set (for refreshes) only when it is delivered, as the span its request examined.
 * Observed timestamps and uncertainty limits are per node, as for any read.
 */
final class RangeScan {
    private record Piece(byte[] from, byte[] next, List<KvPair> rows, Timestamp readAt) {}

    private record Attempt(RoutedResponse response, KvException failure) {}

    private final Coordinator c;
    private final byte[] end;
    private final ScanOptions options;
    private final Predicate<KeyValue> sink;
    private final String what;
    /** Pieces answered ahead of the cursor, by start key; all read at one timestamp. */
    private final NavigableMap<byte[], Piece> ahead = new TreeMap<>(Keys::compare);
    private byte[] cursor;
    private long delivered;

    private int requests;
    private final Set<Long> ranges = new HashSet<>();
    private int widestRound;
    private long rowsScanned;
    private long rowsReturned;

    RangeScan(Coordinator c, byte[] start, byte[] end, ScanOptions options, Predicate<KeyValue> sink) {
        this.c = c;
        this.cursor = start;
        this.end = end;
        this.options = options;
        this.sink = sink;
        this.what = "scan [" + Keys.pretty(start) + ", " + Keys.pretty(end) + ")";
    }

    ScanSummary run() {
        for (int round = 0; round < Coordinator.MAX_OP_ATTEMPTS; round++) {
            if (!deliverAhead() || Keys.compare(cursor, end) >= 0) {
                return new ScanSummary(requests, ranges.size(), widestRound, rowsScanned, rowsReturned);
            }
            fetchRound();
        }
        throw new TxnException(what + " took more than " + Coordinator.MAX_OP_ATTEMPTS + " rounds of requests");
    }

    /** Hands over the pieces answered at the cursor, in order; false once the sink stopped the scan. */
    private boolean deliverAhead() {
        while (Keys.compare(cursor, end) < 0) {
            Piece p = ahead.get(cursor);
            if (p == null) return true;
            if (!p.readAt().equals(c.readTs())) {
                // The read timestamp moved since these were read: they show an older snapshot.
                ahead.clear();
                return true;
            }
            ahead.remove(cursor);
            if (!deliver(p)) return false;
            cursor = p.next();
        }
        return true;
    }

    private boolean deliver(Piece p) {
        // Recorded before the sink sees a row: whatever the caller does with the rows (even fail
        // half-way through them), the refresh covers them.
        c.reads().addSpan(p.from(), p.next());
        Map<byte[], byte[]> own = c.writes().range(p.from(), p.next());
        if (own.isEmpty()) {
            // Nothing of the transaction's own here (every read-only scan): the range's rows are
            // already in key order, one per key.
            for (KvPair kv : p.rows()) {
                delivered++;
                if (!sink.test(new KeyValue(kv.getKey().toByteArray(), kv.getValue().toByteArray()))) return false;
            }
            return true;
        }
        TreeMap<byte[], byte[]> merged = new TreeMap<>(Keys::compare);
        for (KvPair kv : p.rows()) merged.put(kv.getKey().toByteArray(), kv.getValue().toByteArray());
        for (Map.Entry<byte[], byte[]> w : own.entrySet()) {
            if (w.getValue() == null) {
                merged.remove(w.getKey());
            } else {
                merged.put(w.getKey().clone(), w.getValue().clone());
            }
        }
        for (Map.Entry<byte[], byte[]> e : merged.entrySet()) {
            delivered++;
            if (!sink.test(new KeyValue(e.getKey(), e.getValue()))) return false;
        }
        return true;
    }

    /** Sends one round: the pieces from the cursor not yet answered, up to the parallelism. */
    private void fetchRound() {
        int width = options.rowsWanted() > 0 ? 1 : options.parallelism();
        List<byte[][]> holes = holes(width);
        widestRound = Math.max(widestRound, holes.size());
        boolean frontDone = false;
        if (holes.size() > 1) {
            Timestamp at = c.readTs();
            List<Supplier<Attempt>> sends = new ArrayList<>();
            for (byte[][] h : holes) sends.add(() -> attempt(h[0], h[1]));
            List<Attempt> answers = c.env().runtime().all(sends);
            for (int i = 0; i < holes.size(); i++) {
                requests++;
                Attempt a = answers.get(i);
                if (a.response() == null) continue;
                c.noteRead(a.response());
                ahead.put(holes.get(i)[0], piece(holes.get(i)[0], holes.get(i)[1], a.response(), at));
                frontDone |= i == 0;
            }
        }
        if (!frontDone) {
            byte[][] front = holes.get(0);
            requests++;
            RoutedResponse r = c.read(front[0], what, (d, node) -> request(front[0], front[1], d, node));
            ahead.put(front[0], piece(front[0], front[1], r, c.readTs()));
        }
    }

    /** Up to {@code width} spans from the cursor that no answered piece covers, each within one range. */
    private List<byte[][]> holes(int width) {
        List<byte[][]> holes = new ArrayList<>();
        if (width == 1) {
            // Range by range: the request's descriptor bounds it; no lookup needed here.
            byte[] nextAhead = ahead.higherKey(cursor);
            holes.add(new byte[][] {cursor, nextAhead == null ? end : min(end, nextAhead)});
            return holes;
        }
        byte[] from = cursor;
        while (holes.size() < width && Keys.compare(from, end) < 0) {
            Piece p = ahead.get(from);
            if (p != null) {
                from = p.next();
                continue;
            }
            byte[] to = min(end, c.rangeFor(from).getEndKey().toByteArray());
            byte[] nextAhead = ahead.higherKey(from);
            if (nextAhead != null) to = min(to, nextAhead);
            holes.add(new byte[][] {from, to});
            from = to;
        }
        return holes;
    }

    /** One request, no retries (a piece ahead of the cursor; the caller's thread is blocked meanwhile). */
    private Attempt attempt(byte[] from, byte[] to) {
        try {
            return new Attempt(c.env().ranges().sendRouted(from, (d, node) -> request(from, to, d, node), true), null);
        } catch (KvException e) {
            return new Attempt(null, e);
        }
    }

    private KvRequest request(byte[] from, byte[] to, RangeDescriptor d, String node) {
        long want = Coordinator.SCAN_PAGE_ROWS;
        if (options.rowsWanted() > 0) {
            want = Math.min(want, options.rowsWanted() - delivered + c.writes().deletesIn(from, end));
        }
        TxnScan.Builder scan = TxnScan.newBuilder().setStartKey(ByteString.copyFrom(from))
                .setEndKey(ByteString.copyFrom(min(to, d.getEndKey().toByteArray())))
                .setLimit((int) Math.max(1, want)).setRead(c.readOptions(node));
        if (options.hasFilter()) {
            scan.setFilterKind(options.filterKind()).setFilter(ByteString.copyFrom(options.filter()));
        }
        return KvRequest.newBuilder().setTxnScan(scan).build();
    }

    private Piece piece(byte[] from, byte[] to, RoutedResponse r, Timestamp at) {
        KvResponse resp = r.response();
        byte[] next = !resp.getResumeKey().isEmpty() ? resp.getResumeKey().toByteArray()
                : min(to, r.descriptor().getEndKey().toByteArray());
        if (Keys.compare(next, from) <= 0) {
            throw new TxnException(what + " made no progress at " + Keys.pretty(from) + " in r"
                    + r.descriptor().getRangeId());
        }
        ranges.add(r.descriptor().getRangeId());
        rowsScanned += resp.getRowsScanned();
        rowsReturned += resp.getPairsCount();
        return new Piece(from, next, resp.getPairsList(), at);
    }

    private static byte[] min(byte[] a, byte[] b) {
        return Keys.compare(a, b) <= 0 ? a : b;
    }
}

package io.conclave.range.multiraft;

import io.conclave.range.Keys;
import io.conclave.storage.KeyValue;
import io.conclave.storage.Store;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The store as the scheduler's uncommitted batches will leave it: commands that read at apply
 * (conditional put, increment, meta update, delete range, and the size accounting of every
 * write) must see the writes of earlier entries that LMDB does not show yet. Two layers mirror
 * every data write the applier puts in a batch: the batch being built ({@code current}) and the
 * one the writer is making durable ({@code sealed}, at most one), read in that order before the
 * store. {@link #seal} when a batch goes to the writer, {@link #dropSealed} once it is durable.
 * Confined to the scheduler thread.
 */
final class BatchView {
    private static final byte[] TOMBSTONE = new byte[0];
    private static final int MAX_SCAN_PAGE_ROWS = 1_024;

    /** Writes of one batch: puts and deletes ({@link #TOMBSTONE} by identity), after its deleted spans. */
    private static final class Layer {
        final NavigableMap<byte[], byte[]> writes = new TreeMap<>(Keys::compare);
        /** Spans deleted in this batch, before the later writes in {@link #writes}. */
        final List<byte[][]> deletedSpans = new ArrayList<>();

        boolean inDeletedSpan(byte[] key) {
            for (byte[][] span : deletedSpans) {
                if (Keys.contains(span[0], span[1], key)) return true;
            }
            return false;
        }

        boolean isEmpty() {
            return writes.isEmpty() && deletedSpans.isEmpty();
        }
    }

    private final Store store;
    private Layer current = new Layer();
    private Layer sealed = new Layer();

    BatchView(Store store) {
        this.store = store;
    }

    void put(byte[] key, byte[] value) {
        current.writes.put(key, value);
    }

    void delete(byte[] key) {
        current.writes.put(key, TOMBSTONE);
    }

    void deleteSpan(byte[] start, byte[] end) {
        current.writes.subMap(start, true, end, false).clear();
        current.deletedSpans.add(new byte[][] {start, end});
    }

    /** The batch being built went to the writer: its writes are now the sealed layer. */
    void seal() {
        Invariants.check(sealed.isEmpty(), "a batch was sealed while the previous one was still in flight");
        sealed = current;
        current = new Layer();
    }

    /** The sealed batch is durable: the store shows its writes now. */
    void dropSealed() {
        sealed = new Layer();
    }

    Optional<byte[]> get(byte[] key) {
        for (Layer layer : new Layer[] {current, sealed}) {
            byte[] w = layer.writes.get(key);
            if (w != null) return w == TOMBSTONE ? Optional.empty() : Optional.of(w);
            if (layer.inDeletedSpan(key)) return Optional.empty();
        }
        return store.get(key);
    }

    /** Every pair of {@code [start, end)} in key order, at most {@code limit}. */
    List<KeyValue> scan(byte[] start, byte[] end, long limit) {
        List<KeyValue> out = new ArrayList<>();
        Iterator<KeyValue> rows = new Overlay(new Overlay(new StoreRows(start, end, limit), sealed, start, end),
                current, start, end);
        while (out.size() < limit && rows.hasNext()) out.add(rows.next());
        return out;
    }

    /**
     * The store's pairs in {@code [start, end)}, read a page at a time. The first page holds as
     * many rows as the caller wants, and each next one twice as many, up to {@link
     * #MAX_SCAN_PAGE_ROWS}: a point read (limit 2) of a key with a long history copies two rows
     * out of LMDB, not a thousand, while the layers above may still hide rows and need more.
     */
    private final class StoreRows implements Iterator<KeyValue> {
        private final byte[] end;
        private byte[] from;
        private int pageRows;
        private List<KeyValue> page = List.of();
        private int at;
        private boolean storeDone;

        StoreRows(byte[] start, byte[] end, long wanted) {
            this.from = start;
            this.end = end;
            this.pageRows = (int) Math.max(1, Math.min(wanted, MAX_SCAN_PAGE_ROWS));
        }

        @Override
        public boolean hasNext() {
            if (at == page.size() && !storeDone) {
                page = store.scan(from, end, pageRows);
                at = 0;
                storeDone = page.size() < pageRows;
                pageRows = Math.min(pageRows * 2, MAX_SCAN_PAGE_ROWS);
                if (!page.isEmpty()) from = Keys.next(page.get(page.size() - 1).key());
            }
            return at < page.size();
        }

        @Override
        public KeyValue next() {
            if (!hasNext()) throw new java.util.NoSuchElementException();
            return page.get(at++);
        }
    }

    /** The rows below, as one layer's deleted spans and writes change them. */
    private static final class Overlay implements Iterator<KeyValue> {
        private final Iterator<KeyValue> below;
        private final Layer layer;
        private final Iterator<Map.Entry<byte[], byte[]>> pending;
        private KeyValue nextBelow;
        private Map.Entry<byte[], byte[]> nextPending;
        private KeyValue next;

        Overlay(Iterator<KeyValue> below, Layer layer, byte[] start, byte[] end) {
            this.below = below;
            this.layer = layer;
            this.pending = layer.writes.subMap(start, true, end, false).entrySet().iterator();
            this.nextPending = pending.hasNext() ? pending.next() : null;
            this.nextBelow = advanceBelow();
        }

        private KeyValue advanceBelow() {
            while (below.hasNext()) {
                KeyValue kv = below.next();
                if (!layer.inDeletedSpan(kv.key())) return kv;
            }
            return null;
        }

        @Override
        public boolean hasNext() {
            while (next == null && (nextBelow != null || nextPending != null)) {
                int cmp = nextBelow == null ? 1 : nextPending == null ? -1
                        : Keys.compare(nextBelow.key(), nextPending.getKey());
                if (cmp < 0) {
                    next = nextBelow;
                    nextBelow = advanceBelow();
                } else {
                    if (cmp == 0) nextBelow = advanceBelow();
                    if (nextPending.getValue() != TOMBSTONE) {
                        next = new KeyValue(nextPending.getKey(), nextPending.getValue());
                    }
                    nextPending = pending.hasNext() ? pending.next() : null;
                }
            }
            return next != null;
        }

        @Override
        public KeyValue next() {
            if (!hasNext()) throw new java.util.NoSuchElementException();
            KeyValue kv = next;
            next = null;
            return kv;
        }
    }
}

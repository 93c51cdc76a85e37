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
 * The store as the scheduler's uncommitted batch will leave it: commands that read at apply
 * (conditional put, increment, meta update, delete range, and the size accounting of every
 * write) must see the writes of earlier entries in the same batch, which LMDB does not show until
 * the commit. Mirrors every data write the applier puts in the batch; {@link #clear} once the
 * batch is committed. Confined to the scheduler thread.
 */
final class BatchView {
    private static final byte[] TOMBSTONE = new byte[0];
    private static final int SCAN_PAGE_ROWS = 1_024;

    private final Store store;
    /** Writes since the last commit; {@link #TOMBSTONE} (by identity) marks a delete. */
    private final NavigableMap<byte[], byte[]> writes = new TreeMap<>(Keys::compare);
    /** Spans deleted since the last commit, before the later writes in {@link #writes}. */
    private final List<byte[][]> deletedSpans = new ArrayList<>();

    BatchView(Store store) {
        this.store = store;
    }

    void put(byte[] key, byte[] value) {
        writes.put(key, value);
    }

    void delete(byte[] key) {
        writes.put(key, TOMBSTONE);
    }

    void deleteSpan(byte[] start, byte[] end) {
        writes.subMap(start, true, end, false).clear();
        deletedSpans.add(new byte[][] {start, end});
    }

    void clear() {
        writes.clear();
        deletedSpans.clear();
    }

    Optional<byte[]> get(byte[] key) {
        byte[] w = writes.get(key);
        if (w != null) return w == TOMBSTONE ? Optional.empty() : Optional.of(w);
        if (inDeletedSpan(key)) return Optional.empty();
        return store.get(key);
    }

    /** Every pair of {@code [start, end)} in key order, at most {@code limit}. */
    List<KeyValue> scan(byte[] start, byte[] end, long limit) {
        List<KeyValue> out = new ArrayList<>();
        Iterator<Map.Entry<byte[], byte[]>> pending = writes.subMap(start, true, end, false).entrySet().iterator();
        Map.Entry<byte[], byte[]> nextPending = pending.hasNext() ? pending.next() : null;
        byte[] from = start;
        boolean storeDone = false;
        List<KeyValue> page = List.of();
        int pageAt = 0;
        while (out.size() < limit) {
            if (pageAt == page.size() && !storeDone) {
                page = store.scan(from, end, SCAN_PAGE_ROWS);
                pageAt = 0;
                storeDone = page.size() < SCAN_PAGE_ROWS;
                if (!page.isEmpty()) from = Keys.next(page.get(page.size() - 1).key());
            }
            KeyValue stored = pageAt < page.size() ? page.get(pageAt) : null;
            if (stored == null && nextPending == null) break;
            int cmp = stored == null ? 1 : nextPending == null ? -1 : Keys.compare(stored.key(), nextPending.getKey());
            if (cmp < 0) {
                pageAt++;
                if (!inDeletedSpan(stored.key())) out.add(stored);
            } else {
                if (cmp == 0) pageAt++;
                if (nextPending.getValue() != TOMBSTONE) out.add(new KeyValue(nextPending.getKey(), nextPending.getValue()));
                nextPending = pending.hasNext() ? pending.next() : null;
            }
        }
        return out;
    }

    private boolean inDeletedSpan(byte[] key) {
        for (byte[][] span : deletedSpans) {
            if (Keys.contains(span[0], span[1], key)) return true;
        }
        return false;
    }
}

package io.conclave.storage;

import io.conclave.raft.Entry;

import java.util.ArrayList;
import java.util.List;

/**
 * The most recent entries of one group's log, contiguous and ending at the group's last index,
 * bounded by bytes. Raft mostly reads what it just appended (to send to followers, to apply once
 * committed), so this keeps those reads off LMDB. Not thread-safe: its {@link GroupStorage}
 * guards it. Updated only after the LMDB transaction that wrote the entries has committed.
 */
final class TailCache {
    /** Live entries are {@code entries[head..]}; the dead prefix is cut off in amortized O(1). */
    private final ArrayList<Entry> entries = new ArrayList<>();
    private final long capacityBytes;
    private int head;
    private long bytes;

    TailCache(long capacityBytes) {
        this.capacityBytes = capacityBytes;
    }

    boolean isEmpty() {
        return head == entries.size();
    }

    int size() {
        return entries.size() - head;
    }

    long bytes() {
        return bytes;
    }

    /** First cached index, or {@link Long#MAX_VALUE} when empty (so "index < firstIndex" misses). */
    long firstIndex() {
        return isEmpty() ? Long.MAX_VALUE : entries.get(head).index();
    }

    long lastIndex() {
        return isEmpty() ? -1 : entries.get(entries.size() - 1).index();
    }

    /** The cached entry at {@code index}, or null. */
    Entry get(long index) {
        if (isEmpty() || index < firstIndex() || index > lastIndex()) return null;
        Entry e = entries.get(head + (int) (index - firstIndex()));
        Invariants.check(e.index() == index, "tail cache out of order: asked %s, found %s", index, e);
        return e;
    }

    /** Adds entries just written to the log, replacing any cached suffix they overwrite. */
    void append(List<Entry> appended) {
        if (appended.isEmpty()) return;
        long first = appended.get(0).index();
        if (!isEmpty() && (first < firstIndex() || first > lastIndex() + 1)) {
            clear();
        } else if (!isEmpty() && first <= lastIndex()) {
            truncateFrom(first);
        }
        for (Entry e : appended) {
            entries.add(e);
            bytes += e.sizeBytes();
        }
        evict();
    }

    /** Drops cached entries at and below {@code index} (log compaction or snapshot). */
    void dropThrough(long index) {
        while (!isEmpty() && entries.get(head).index() <= index) removeFirst();
        compactArray();
    }

    void clear() {
        entries.clear();
        head = 0;
        bytes = 0;
    }

    private void truncateFrom(long index) {
        int from = head + (int) (index - firstIndex());
        for (int i = entries.size() - 1; i >= from; i--) bytes -= entries.remove(i).sizeBytes();
    }

    private void evict() {
        while (!isEmpty() && bytes > capacityBytes) removeFirst();
        compactArray();
    }

    private void removeFirst() {
        bytes -= entries.get(head).sizeBytes();
        entries.set(head, null);
        head++;
    }

    private void compactArray() {
        if (isEmpty()) {
            clear();
        } else if (head > 64 && head > entries.size() / 2) {
            entries.subList(0, head).clear();
            head = 0;
        }
    }
}

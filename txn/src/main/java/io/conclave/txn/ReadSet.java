package io.conclave.txn;

import io.conclave.range.Keys;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Every key and span a transaction read, kept to refresh them when its timestamp moves: a
 * refresh proves nothing it read changed between the old and the new timestamp. Bounded: a
 * transaction that reads more than the limit fails clearly instead of growing without end.
 */
final class ReadSet {
    private final NavigableSet<byte[]> keys = new TreeSet<>(Keys::compare);
    private final List<byte[][]> spans = new ArrayList<>();
    private final int max;

    ReadSet(int max) {
        this.max = max;
    }

    void addKey(byte[] key) {
        if (keys.contains(key)) return;
        checkRoom();
        keys.add(key.clone());
    }

    void addSpan(byte[] start, byte[] end) {
        if (Keys.compare(start, end) >= 0) return;
        if (!spans.isEmpty()) {
            byte[][] last = spans.get(spans.size() - 1);
            // The pieces of one scan arrive in order, each starting where the last ended.
            if (Keys.compare(last[1], start) == 0) {
                last[1] = end.clone();
                return;
            }
        }
        checkRoom();
        spans.add(new byte[][] {start.clone(), end.clone()});
    }

    boolean isEmpty() {
        return keys.isEmpty() && spans.isEmpty();
    }

    List<byte[]> keys() {
        return new ArrayList<>(keys);
    }

    List<byte[][]> spans() {
        return new ArrayList<>(spans);
    }

    private void checkRoom() {
        if (keys.size() + spans.size() >= max) {
            throw new TxnException("a transaction may read at most " + max + " keys and spans (maxReadSpans)");
        }
    }
}

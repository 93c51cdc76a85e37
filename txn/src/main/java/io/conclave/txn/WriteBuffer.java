package io.conclave.txn;

import io.conclave.range.Keys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A transaction's writes until commit, in key order: the last write of a key wins, a delete is a
 * tombstone ({@code null} value) that hides the key from the transaction's own reads. The first
 * key ever written is the anchor: the transaction's record lives in its range.
 */
final class WriteBuffer {
    private final NavigableMap<byte[], byte[]> writes = new TreeMap<>(Keys::compare);
    private final int maxKeys;
    private byte[] anchor;

    WriteBuffer(int maxKeys) {
        this.maxKeys = maxKeys;
    }

    void put(byte[] key, byte[] valueOrNullForDelete) {
        if (!writes.containsKey(key) && writes.size() >= maxKeys) {
            throw new TxnException("a transaction may write at most " + maxKeys + " distinct keys (maxBufferedWrites)");
        }
        writes.put(key.clone(), valueOrNullForDelete == null ? null : valueOrNullForDelete.clone());
        if (anchor == null) anchor = key.clone();
    }

    boolean contains(byte[] key) {
        return writes.containsKey(key);
    }

    /** The buffered value, null for a delete; only meaningful if {@link #contains}. */
    byte[] get(byte[] key) {
        return writes.get(key);
    }

    boolean isEmpty() {
        return writes.isEmpty();
    }

    int size() {
        return writes.size();
    }

    byte[] anchor() {
        return anchor;
    }

    /** The writes of {@code [start, end)} in key order (values null for deletes). */
    NavigableMap<byte[], byte[]> range(byte[] start, byte[] end) {
        return writes.subMap(start, true, end, false);
    }

    int deletesIn(byte[] start, byte[] end) {
        int n = 0;
        for (byte[] v : range(start, end).values()) if (v == null) n++;
        return n;
    }

    List<byte[]> keys() {
        return new ArrayList<>(writes.keySet());
    }

    Map<byte[], byte[]> all() {
        return writes;
    }
}

package io.conclave.range.mvcc;

import io.conclave.range.Keys;
import io.conclave.storage.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An in-memory store for the evaluator: a sorted map of store keys, counting the rows it hands out. */
final class MemStore implements MvccReader, MvccWriter {
    final TreeMap<byte[], byte[]> map = new TreeMap<>(Keys::compare);
    long rowsRead;

    @Override
    public byte[] get(byte[] storeKey) {
        rowsRead++;
        byte[] v = map.get(storeKey);
        return v == null ? null : v.clone();
    }

    @Override
    public List<KeyValue> scan(byte[] startInclusive, byte[] endExclusive, int limit) {
        List<KeyValue> out = new ArrayList<>();
        if (Keys.compare(startInclusive, endExclusive) >= 0) return out;
        for (Map.Entry<byte[], byte[]> e : map.subMap(startInclusive, true, endExclusive, false).entrySet()) {
            if (out.size() >= limit) break;
            out.add(new KeyValue(e.getKey().clone(), e.getValue().clone()));
        }
        rowsRead += out.size();
        return out;
    }

    @Override
    public void put(byte[] storeKey, byte[] value) {
        map.put(storeKey.clone(), value.clone());
    }

    @Override
    public void delete(byte[] storeKey) {
        map.remove(storeKey);
    }

    MemStore copy() {
        MemStore c = new MemStore();
        map.forEach((k, v) -> c.map.put(k.clone(), v.clone()));
        return c;
    }
}

package io.conclave.range.mvcc;

import io.conclave.storage.KeyValue;
import java.util.List;

/**
 * The store as the evaluator reads it: store keys (see {@link MvccKeys}) in, store keys out. The
 * evaluator never needs to read what it wrote in the same evaluation, so an implementation may
 * read the committed state or the state with earlier commands of the batch applied, as long as
 * every replica reads the same.
 */
public interface MvccReader {
    /** The value at {@code storeKey}, or null if absent. */
    byte[] get(byte[] storeKey);

    /** At most {@code limit} pairs of [startInclusive, endExclusive), in key order. */
    List<KeyValue> scan(byte[] startInclusive, byte[] endExclusive, int limit);
}

package io.conclave.range.mvcc;

/** Where the evaluator's writes go (store keys); the caller applies them atomically with the command. */
public interface MvccWriter {
    void put(byte[] storeKey, byte[] value);

    void delete(byte[] storeKey);
}

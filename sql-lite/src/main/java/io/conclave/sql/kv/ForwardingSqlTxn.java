package io.conclave.sql.kv;

import io.conclave.clock.Timestamp;
import java.util.List;
import java.util.function.Predicate;

/**
 * A transaction that hands every call to another: the base of decorators (the catalog version
 * check, metrics) that change a few calls and must pass on all the others, including those
 * {@link SqlTxn} gives defaults for, which the wrapped transaction may do better.
 */
public abstract class ForwardingSqlTxn implements SqlTxn {
    protected final SqlTxn txn;

    protected ForwardingSqlTxn(SqlTxn txn) {
        this.txn = txn;
    }

    @Override
    public byte[] get(byte[] key) {
        return txn.get(key);
    }

    @Override
    public List<byte[]> getAll(List<byte[]> keys) {
        return txn.getAll(keys);
    }

    @Override
    public ClaimedValues getAllClaimingFirst(List<byte[]> keys, java.time.Duration claim) {
        return txn.getAllClaimingFirst(keys, claim);
    }

    @Override
    public Timestamp assumeRead(byte[] key) {
        return txn.assumeRead(key);
    }

    @Override
    public List<KeyValue> scan(byte[] start, byte[] end, int limit) {
        return txn.scan(start, end, limit);
    }

    @Override
    public ScanCounts scan(ScanRequest request, Predicate<KeyValue> sink) {
        return txn.scan(request, sink);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        txn.put(key, value);
    }

    @Override
    public void delete(byte[] key) {
        txn.delete(key);
    }

    @Override
    public CommitInfo commit() {
        return txn.commit();
    }

    @Override
    public void rollback() {
        txn.rollback();
    }

    @Override
    public Timestamp readTimestamp() {
        return txn.readTimestamp();
    }

    @Override
    public void setCommitWait(boolean commitWait) {
        txn.setCommitWait(commitWait);
    }

    @Override
    public TxnStats stats() {
        return txn.stats();
    }

    @Override
    public boolean isReadOnly() {
        return txn.isReadOnly();
    }
}

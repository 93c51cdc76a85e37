package io.conclave.sql.catalog;

import io.conclave.sql.kv.ClaimedValues;
import io.conclave.sql.kv.CommitInfo;
import io.conclave.sql.kv.KeyValue;
import io.conclave.sql.kv.ScanCounts;
import io.conclave.sql.kv.ScanRequest;
import io.conclave.sql.kv.ForwardingSqlTxn;
import io.conclave.sql.kv.SqlTxn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The transaction of a statement planned against the cached catalog: before anything it reads
 * reaches the statement, and before anything it writes is buffered or committed, it checks that
 * the catalog version its transaction sees is the cached one, else throws {@link
 * CatalogChangedException}. A first point read carries the version key along in the same
 * parallel round ({@link SqlTxn#getAll}), so a point statement reads the version at no extra
 * round trip; a scan or write reads it first, as an unplanned statement would. That read asks
 * for a claim (the catalog lease, see {@link Catalog}); a granted one is handed to the catalog.
 * Under a lease covering its read timestamp the transaction reads no version at all.
 */
final class VersionCheckedTxn extends ForwardingSqlTxn {
    private final long expectedVersion;
    private final Catalog catalog;
    private final Duration claim;
    private boolean verified;

    /**
     * @param claim how long a claim to ask for with the version read (the catalog lease); zero:
     *     a plain read
     * @param leased the version is known from a catalog lease covering the transaction's read
     *     timestamp, and the key is already registered as read ({@link SqlTxn#assumeRead}): no
     *     check is needed
     */
    VersionCheckedTxn(SqlTxn txn, long expectedVersion, Catalog catalog, Duration claim, boolean leased) {
        super(txn);
        this.expectedVersion = expectedVersion;
        this.catalog = catalog;
        this.claim = claim;
        this.verified = leased;
    }

    boolean verified() {
        return verified;
    }

    /** Reads the version key if not yet checked; throws if it is not the expected one. */
    void verify() {
        if (!verified) {
            readWithVersion(List.of());
        }
    }

    /** Reads the version key and {@code keys} in one round, checks the version, returns the values of {@code keys}. */
    private List<byte[]> readWithVersion(List<byte[]> keys) {
        List<byte[]> withVersion = new ArrayList<>(keys.size() + 1);
        withVersion.add(Catalog.VERSION_KEY);
        withVersion.addAll(keys);
        List<byte[]> values;
        if (claim.isZero()) {
            values = txn.getAll(withVersion);
        } else {
            ClaimedValues read = txn.getAllClaimingFirst(withVersion, claim);
            values = read.values();
            read.claim().ifPresent(c -> catalog.leased(Catalog.decodeCounter(values.get(0)), c));
        }
        Invariants.check(values.size() == withVersion.size(), "getAll of %s keys answered %s values",
                withVersion.size(), values.size());
        check(values.get(0));
        return values.subList(1, values.size());
    }

    private void check(byte[] stored) {
        long version = Catalog.decodeCounter(stored);
        if (version != expectedVersion) {
            throw new CatalogChangedException(expectedVersion, version);
        }
        verified = true;
    }

    @Override
    public byte[] get(byte[] key) {
        if (verified) {
            return txn.get(key);
        }
        return getAll(List.of(key)).get(0);
    }

    @Override
    public List<byte[]> getAll(List<byte[]> keys) {
        if (verified) {
            return txn.getAll(keys);
        }
        return readWithVersion(keys);
    }

    @Override
    public List<KeyValue> scan(byte[] start, byte[] end, int limit) {
        verify();
        return txn.scan(start, end, limit);
    }

    @Override
    public ScanCounts scan(ScanRequest request, Predicate<KeyValue> sink) {
        verify();
        return txn.scan(request, sink);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        verify();
        txn.put(key, value);
    }

    @Override
    public void delete(byte[] key) {
        verify();
        txn.delete(key);
    }

    @Override
    public CommitInfo commit() {
        verify();
        return txn.commit();
    }

}

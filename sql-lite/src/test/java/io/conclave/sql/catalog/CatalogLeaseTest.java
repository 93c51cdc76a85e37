package io.conclave.sql.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.Timestamp;
import io.conclave.sql.encoding.ByteSink;
import io.conclave.sql.kv.ClaimedValues;
import io.conclave.sql.kv.CommitInfo;
import io.conclave.sql.kv.KeyValue;
import io.conclave.sql.kv.SqlTxn;
import io.conclave.sql.kv.TxnStats;
import io.conclave.txn.ReadClaim;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The window rules of catalog leases on {@link Catalog#speculate}, with a transaction whose read
 * timestamp and claim answers the test sets: a statement reads no version only when its read
 * timestamp lies in [lease start, lease end] and the lease is of the cached version; it then
 * registers the version key as read at exactly its read timestamp.
 */
class CatalogLeaseTest {
    private static final byte[] ROW = {0x10, 1};

    /** A transaction at a fixed read timestamp over a store holding only the catalog version. */
    private static final class FixedTxn implements SqlTxn {
        final Timestamp readTs;
        final long version;
        /** The claim the next claiming read is answered with (null: none). */
        Timestamp claimEnd;
        final List<String> calls = new ArrayList<>();

        FixedTxn(long wall, long version) {
            this.readTs = new Timestamp(wall, 0);
            this.version = version;
        }

        private byte[] value(byte[] key) {
            return Arrays.equals(key, Catalog.VERSION_KEY) ? new ByteSink(8).writeLong(version).toByteArray() : null;
        }

        @Override
        public byte[] get(byte[] key) {
            calls.add(Arrays.equals(key, Catalog.VERSION_KEY) ? "get version" : "get row");
            return value(key);
        }

        @Override
        public List<byte[]> getAll(List<byte[]> keys) {
            List<byte[]> out = new ArrayList<>();
            for (byte[] k : keys) out.add(get(k));
            return out;
        }

        @Override
        public ClaimedValues getAllClaimingFirst(List<byte[]> keys, Duration claim) {
            calls.add("claim " + claim.toMillis() + "ms");
            List<byte[]> values = getAll(keys);
            return new ClaimedValues(values, Optional.ofNullable(claimEnd).map(end -> new ReadClaim(readTs, end)));
        }

        @Override
        public Timestamp assumeRead(byte[] key) {
            calls.add(Arrays.equals(key, Catalog.VERSION_KEY) ? "assume version" : "assume row");
            return readTs;
        }

        @Override
        public List<KeyValue> scan(byte[] start, byte[] end, int limit) {
            calls.add("scan");
            return List.of();
        }

        @Override
        public void put(byte[] key, byte[] value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(byte[] key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CommitInfo commit() {
            return new CommitInfo(readTs, true, 0, 0);
        }

        @Override
        public void rollback() {}

        @Override
        public Timestamp readTimestamp() {
            return readTs;
        }

        @Override
        public void setCommitWait(boolean commitWait) {}

        @Override
        public TxnStats stats() {
            return TxnStats.EMPTY;
        }

        @Override
        public boolean isReadOnly() {
            return false;
        }
    }

    /** A catalog whose cache holds version 7 (and no tables). */
    private static Catalog cachedAt7(Duration lease) {
        Catalog c = new Catalog(lease);
        c.view(new FixedTxn(1, 7), false);
        return c;
    }

    /** What a point read of one row costs a statement planned at {@code wall}. */
    private static List<String> pointRead(Catalog c, long wall) {
        FixedTxn t = new FixedTxn(wall, 7);
        c.speculate(t).txn().get(ROW);
        return t.calls;
    }

    @Test
    void insideTheLeaseFromStartToEndAStatementReadsNoVersionAndRegistersItAtItsTimestamp() {
        Catalog c = cachedAt7(Duration.ofMillis(100));
        c.leased(7, new ReadClaim(new Timestamp(100, 0), new Timestamp(200, 0)));
        for (long wall : new long[] {100, 150, 200}) {
            assertEquals(List.of("assume version", "get row"), pointRead(c, wall), "at " + wall);
        }
        assertEquals(3, c.leasedStatements());
    }

    @Test
    void beforeOrAfterTheLeaseAStatementReadsTheVersionAndClaimsIt() {
        Catalog c = cachedAt7(Duration.ofMillis(100));
        c.leased(7, new ReadClaim(new Timestamp(100, 0), new Timestamp(200, 0)));
        for (long wall : new long[] {99, 201}) {
            assertEquals(List.of("claim 100ms", "get version", "get row"), pointRead(c, wall), "at " + wall);
        }
        assertEquals(0, c.leasedStatements());
    }

    @Test
    void aLeaseOfAnotherVersionThanTheCachedOneIsNotUsed() {
        Catalog c = cachedAt7(Duration.ofMillis(100));
        c.leased(8, new ReadClaim(new Timestamp(100, 0), new Timestamp(200, 0)));
        assertEquals(List.of("claim 100ms", "get version", "get row"), pointRead(c, 150));
    }

    @Test
    void aClaimGrantedToAVersionReadIsTheNextLeaseAndTheLaterEndingLeaseWins() {
        Catalog c = cachedAt7(Duration.ofMillis(100));
        FixedTxn first = new FixedTxn(300, 7);
        first.claimEnd = new Timestamp(400, 0);
        c.speculate(first).txn().get(ROW);
        assertEquals(1, c.leasesTaken());
        assertEquals(List.of("assume version", "get row"), pointRead(c, 350));
        c.leased(7, new ReadClaim(new Timestamp(310, 0), new Timestamp(390, 0))); // ends earlier: ignored
        assertEquals(List.of("assume version", "get row"), pointRead(c, 305));
    }

    @Test
    void aClaimedReadOfAnotherVersionFailsTheStatementAndLeasesThatVersion() {
        Catalog c = cachedAt7(Duration.ofMillis(100));
        FixedTxn newer = new FixedTxn(300, 8);
        newer.claimEnd = new Timestamp(400, 0);
        assertThrows(CatalogChangedException.class, () -> c.speculate(newer).txn().get(ROW));
        assertEquals(List.of("claim 100ms", "get version", "get row"), pointRead(c, 350), "cache still at 7");
        c.view(new FixedTxn(350, 8), false); // the rerun loads version 8
        FixedTxn at8 = new FixedTxn(360, 8);
        c.speculate(at8).txn().get(ROW);
        assertEquals(List.of("assume version", "get row"), at8.calls);
    }

    @Test
    void withLeasesOffNoClaimIsAskedFor() {
        Catalog c = cachedAt7(Duration.ZERO);
        assertEquals(List.of("get version", "get row"), pointRead(c, 150));
        assertThrows(IllegalArgumentException.class, () -> new Catalog(Duration.ofSeconds(1)));
        assertTrue(Catalog.DEFAULT_LEASE.compareTo(Catalog.MAX_LEASE) <= 0);
    }
}

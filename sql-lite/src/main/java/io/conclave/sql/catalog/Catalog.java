package io.conclave.sql.catalog;

import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.Value;
import io.conclave.sql.encoding.ByteSink;
import io.conclave.sql.encoding.ByteSource;
import io.conclave.sql.encoding.KeyEncoding;
import io.conclave.sql.encoding.TableKeys;
import io.conclave.sql.kv.KeyValue;
import io.conclave.sql.kv.SqlTxn;
import io.conclave.clock.Timestamp;
import io.conclave.txn.ReadClaim;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The catalog: table descriptors kept in the keyspace under the system tables, read and changed
 * inside the statement's own transaction, with one per-engine cache.
 *
 * <p>Every view starts with a read of the catalog version key in the transaction. A DDL
 * statement writes that key (version + 1), so a transaction that used an older catalog and a
 * concurrent DDL conflict on it and one of them restarts: no write ever commits against a stale
 * descriptor. The cache is keyed by that version and only filled from transactions that did not
 * themselves change the catalog, so it only ever holds committed descriptors.
 */
public final class Catalog {
    /**
     * Most tables a catalog holds: a view loads every descriptor when the version changes, so
     * this bounds that load (and the memory of the cache).
     */
    public static final int MAX_TABLES = 10_000;

    static final byte[] VERSION_KEY = counterKey("catalog_version");
    static final byte[] NEXT_ID_KEY = counterKey("next_descriptor_id");

    /**
     * How long a catalog lease is asked for by default. Every DDL is pushed above every live
     * claim, and its coordinator waits for its clock to get there before committing: a DDL right
     * after a statement at any node takes up to this much longer. A statement outside its
     * engine's lease reads the version as before and renews the lease, so a longer lease saves
     * little once it covers many statements.
     */
    public static final Duration DEFAULT_LEASE = Duration.ofMillis(100);
    /** The longest lease asked for: a node grants no claim longer than half a second anyway. */
    public static final Duration MAX_LEASE = Duration.ofMillis(500);

    private record Cached(long version, Map<String, TableDescriptor> tables) {}

    /**
     * The catalog version as a claiming read saw it: {@code version} at every timestamp the
     * claim covers (no write of the version key lands inside: see the package documentation).
     */
    private record Lease(long version, ReadClaim claim) {}

    private volatile Cached cached = new Cached(-1, Map.of());
    private volatile Lease lease;
    private final Duration leaseDuration;
    private final AtomicLong leasedStatements = new AtomicLong();
    private final AtomicLong leasesTaken = new AtomicLong();

    /** A catalog with leases of {@link #DEFAULT_LEASE}. */
    public Catalog() {
        this(DEFAULT_LEASE);
    }

    /** @param leaseDuration how long a catalog lease is asked for; zero: no leases (every statement reads the version) */
    public Catalog(Duration leaseDuration) {
        if (leaseDuration == null || leaseDuration.isNegative() || leaseDuration.compareTo(MAX_LEASE) > 0) {
            throw new IllegalArgumentException("the catalog lease must be between 0 (off) and " + MAX_LEASE
                    + " (Catalog.MAX_LEASE), was " + leaseDuration);
        }
        this.leaseDuration = leaseDuration;
    }

    /** Statements planned and run under a catalog lease, with no version read. */
    public long leasedStatements() {
        return leasedStatements.get();
    }

    /** Claims granted to this engine's version reads (leases taken or renewed). */
    public long leasesTaken() {
        return leasesTaken.get();
    }

    /** Takes a lease a claiming read of the version key was granted; the one ending last wins. */
    void leased(long version, ReadClaim claim) {
        leasesTaken.incrementAndGet();
        synchronized (this) {
            Lease current = lease;
            if (current == null || claim.end().isAfter(current.claim().end())) {
                lease = new Lease(version, claim);
            }
        }
    }

    /**
     * The catalog as {@code txn} sees it. {@code txnChangedCatalog} says the transaction itself
     * has run DDL, so it must read its own uncommitted descriptors and must not fill the cache.
     */
    public CatalogView view(SqlTxn txn, boolean txnChangedCatalog) {
        long version = readCounter(txn, VERSION_KEY);
        Cached current = cached;
        if (!txnChangedCatalog && current.version() == version) {
            return new CatalogView(txn, version, current.tables());
        }
        Map<String, TableDescriptor> tables = load(txn);
        if (!txnChangedCatalog && version > current.version()) {
            cached = new Cached(version, tables);
        }
        return new CatalogView(txn, version, tables);
    }

    /**
     * Tells the cache that the transaction of {@code view} committed: if it changed the catalog,
     * its descriptors are the catalog at its version (it read the previous version and wrote this
     * one, so no other change can have committed between), and the next statement here need not
     * find out from a mismatch.
     */
    public void committed(CatalogView view) {
        if (!view.changed()) {
            return;
        }
        long version = view.version() + 1;
        synchronized (this) {
            if (version > cached.version()) {
                cached = new Cached(version, java.util.Collections.unmodifiableMap(new TreeMap<>(view.tablesByName())));
            }
        }
    }

    /**
     * A statement planned against the cached catalog before its transaction has read the version
     * key: the view holds the cached descriptors, and the transaction to run the statement in
     * checks the version with its first read (in the same round when that read is a point read)
     * and throws {@link CatalogChangedException} if the transaction sees another one. Only for
     * statements that do not change the catalog. Null when nothing is cached yet.
     */
    public Speculation speculate(SqlTxn txn) {
        Cached current = cached;
        if (current.version() < 0) {
            return null;
        }
        Lease held = lease;
        boolean leased = false;
        if (held != null && held.version() == current.version()) {
            Timestamp readTs = txn.readTimestamp();
            if (held.claim().covers(readTs)) {
                // The version at readTs is known; registered as read there, a refresh checks it if
                // the transaction's timestamp moves past the lease.
                Timestamp registered = txn.assumeRead(VERSION_KEY);
                Invariants.check(registered.equals(readTs), "the version key was registered as read at %s, not at"
                        + " the read timestamp %s the lease covers", registered, readTs);
                leasedStatements.incrementAndGet();
                leased = true;
            }
        }
        VersionCheckedTxn checked = new VersionCheckedTxn(txn, current.version(), this, leaseDuration, leased);
        return new Speculation(new CatalogView(checked, current.version(), current.tables()), checked);
    }

    /** A view of the cached catalog and the transaction that checks it (see {@link #speculate}). */
    public static final class Speculation {
        private final CatalogView view;
        private final VersionCheckedTxn txn;

        private Speculation(CatalogView view, VersionCheckedTxn txn) {
            this.view = view;
            this.txn = txn;
        }

        public CatalogView view() {
            return view;
        }

        /** The statement's transaction, checking the catalog version before its first read or write. */
        public SqlTxn txn() {
            return txn;
        }

        /**
         * Checks the version now if no read did yet: a statement that failed before reading (an
         * unknown table or column in the cached catalog) may have failed only because the cache
         * is stale, and then throws {@link CatalogChangedException} to run again.
         */
        public void verify() {
            txn.verify();
        }
    }

    private static Map<String, TableDescriptor> load(SqlTxn txn) {
        byte[] start = TableKeys.indexPrefix(TableKeys.DESCRIPTOR_TABLE_ID, TableKeys.PRIMARY_INDEX_ID);
        List<KeyValue> rows = txn.scan(start, KeyEncoding.prefixEnd(start), MAX_TABLES + 1);
        if (rows.size() > MAX_TABLES) {
            throw new SqlException(SqlState.PROGRAM_LIMIT_EXCEEDED,
                    "the catalog holds more than " + MAX_TABLES + " tables (Catalog.MAX_TABLES)");
        }
        Map<String, TableDescriptor> tables = new TreeMap<>();
        for (KeyValue row : rows) {
            TableDescriptor table = DescriptorCodec.decode(row.value());
            tables.put(table.name(), table);
        }
        return java.util.Collections.unmodifiableMap(tables);
    }

    // ---- stored forms ----

    static byte[] descriptorKey(long tableId) {
        return TableKeys.key(TableKeys.DESCRIPTOR_TABLE_ID, TableKeys.PRIMARY_INDEX_ID, List.of(Value.ofInt(tableId)));
    }

    static byte[] namespaceKey(String name) {
        return TableKeys.key(TableKeys.NAMESPACE_TABLE_ID, TableKeys.PRIMARY_INDEX_ID, List.of(Value.ofString(name)));
    }

    static byte[] counterKey(String name) {
        return TableKeys.key(TableKeys.COUNTER_TABLE_ID, TableKeys.PRIMARY_INDEX_ID, List.of(Value.ofString(name)));
    }

    static long readCounter(SqlTxn txn, byte[] key) {
        return decodeCounter(txn.get(key));
    }

    static long decodeCounter(byte[] value) {
        return value == null ? 0 : new ByteSource(value).readLong();
    }

    static void writeCounter(SqlTxn txn, byte[] key, long value) {
        txn.put(key, new ByteSink(8).writeLong(value).toByteArray());
    }

    static void write(SqlTxn txn, TableDescriptor table) {
        txn.put(descriptorKey(table.id()), DescriptorCodec.encode(table));
        txn.put(namespaceKey(table.name()), new ByteSink(8).writeLong(table.id()).toByteArray());
    }
}

package io.conclave.sql.catalog;

import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.encoding.TableKeys;
import io.conclave.sql.kv.SqlTxn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * The catalog as one transaction sees it. Reads come from the snapshot loaded at creation;
 * changes are written through the transaction at once and applied to this view, and every change
 * bumps the catalog version key (see {@link Catalog}). Used by one session thread.
 */
public final class CatalogView {
    private final SqlTxn txn;
    private final long loadedVersion;
    /** The loaded (immutable, possibly shared) map until the first change, then a private copy. */
    private Map<String, TableDescriptor> tables;
    private boolean changed;

    CatalogView(SqlTxn txn, long version, Map<String, TableDescriptor> tables) {
        this.txn = txn;
        this.loadedVersion = version;
        this.tables = tables;
    }

    private Map<String, TableDescriptor> writable() {
        if (!(tables instanceof TreeMap)) {
            tables = new TreeMap<>(tables);
        }
        return tables;
    }

    /** The version this view was loaded at (plus its own changes). */
    public long version() {
        return loadedVersion;
    }

    /** Whether this view changed the catalog (the transaction then skips the shared cache). */
    public boolean changed() {
        return changed;
    }

    public TableDescriptor find(String name) {
        return tables.get(name);
    }

    /** The named table, or 42P01. */
    public TableDescriptor table(String name) {
        TableDescriptor table = tables.get(name);
        if (table == null) {
            throw new SqlException(SqlState.UNDEFINED_TABLE, "relation \"" + name + "\" does not exist");
        }
        return table;
    }

    Map<String, TableDescriptor> tablesByName() {
        return tables;
    }

    /** Every table, by name. */
    public List<TableDescriptor> tables() {
        List<TableDescriptor> out = new ArrayList<>(tables.values());
        out.sort(java.util.Comparator.comparing(TableDescriptor::name));
        return out;
    }

    /** Allocates a table id, builds the descriptor with it and stores it. */
    public TableDescriptor createTable(String name, LongFunction<TableDescriptor> build) {
        if (tables.containsKey(name)) {
            throw new SqlException(SqlState.DUPLICATE_TABLE, "relation \"" + name + "\" already exists");
        }
        if (tables.size() >= Catalog.MAX_TABLES) {
            throw new SqlException(SqlState.PROGRAM_LIMIT_EXCEEDED,
                    "cannot create table \"" + name + "\": the catalog already holds "
                            + Catalog.MAX_TABLES + " tables (Catalog.MAX_TABLES)");
        }
        long next = Math.max(Catalog.readCounter(txn, Catalog.NEXT_ID_KEY), TableKeys.FIRST_USER_TABLE_ID);
        Catalog.writeCounter(txn, Catalog.NEXT_ID_KEY, next + 1);
        TableDescriptor table = build.apply(next);
        Invariants.check(table.id() == next && table.name().equals(name),
                "built descriptor %s/%s, expected %s/%s", table.id(), table.name(), next, name);
        Catalog.write(txn, table);
        writable().put(name, table);
        bumpVersion();
        return table;
    }

    /** Replaces a table's descriptor (same id and name). */
    public void updateTable(TableDescriptor table) {
        TableDescriptor old = table(table.name());
        Invariants.check(old.id() == table.id(), "update of %s changes its id", table.name());
        Catalog.write(txn, table);
        writable().put(table.name(), table);
        bumpVersion();
    }

    /**
     * Removes a table from the catalog. Its rows become unreachable under an id that is never
     * reused; the session deletes them after the drop commits (DROP TABLE stays one bounded
     * transaction whatever the table's size).
     */
    public void dropTable(TableDescriptor table) {
        txn.delete(Catalog.descriptorKey(table.id()));
        txn.delete(Catalog.namespaceKey(table.name()));
        writable().remove(table.name());
        bumpVersion();
    }

    private void bumpVersion() {
        if (!changed) {
            changed = true;
            Catalog.writeCounter(txn, Catalog.VERSION_KEY, loadedVersion + 1);
        }
    }
}

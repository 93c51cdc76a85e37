package io.conclave.sql.exec;

import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.Value;
import io.conclave.sql.catalog.ColumnDescriptor;
import io.conclave.sql.catalog.IndexDescriptor;
import io.conclave.sql.catalog.TableDescriptor;
import io.conclave.sql.encoding.ByteSink;
import io.conclave.sql.encoding.CorruptDataException;
import io.conclave.sql.encoding.KeyEncoding;
import io.conclave.sql.encoding.RowCodec;
import io.conclave.sql.encoding.TableKeys;
import io.conclave.sql.kv.KeyValue;
import io.conclave.sql.kv.KvFilterException;
import io.conclave.sql.kv.ScanRequest;
import io.conclave.sql.kv.SqlTxn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Rows and index entries in the keyspace, through one transaction.
 *
 * <pre>
 *   primary   /table/id/1/&lt;pk columns&gt;                  → 0x01 + RowCodec(non-key and DECIMAL key columns)
 *   secondary /table/id/idx/&lt;index columns&gt;&lt;pk columns&gt; → 0x01
 * </pre>
 *
 * Values start with a format byte so that no stored value is ever empty (an empty value must
 * never be confused with a deletion). Secondary entries always carry the primary key, so
 * entries are unique even in a non-unique index and uniqueness is checked by a prefix scan.
 */
final class TableIo {
    /**
     * Ranges a scan reads at once (its requests go out together and are reassembled in key
     * order): several round trips overlap without one statement flooding the nodes.
     */
    static final int SCAN_PARALLELISM = 8;
    /**
     * Most rows one statement reads from the store. Rows are materialised in memory (sorting,
     * grouping, joins), so a runaway full scan fails clearly (54000) instead of exhausting the heap.
     */
    static final long MAX_ROWS_READ_PER_STATEMENT = 1_000_000;

    static final int ROW_FORMAT = 0x01;
    private static final byte[] INDEX_ENTRY_VALUE = {0x01};

    interface RowSink {
        /** Returns false to stop the scan early. */
        boolean accept(Value[] row);
    }

    private final SqlTxn txn;
    private final ExecStats stats;
    private final Deadline deadline;

    TableIo(SqlTxn txn, ExecStats stats, Deadline deadline) {
        this.txn = txn;
        this.stats = stats;
        this.deadline = deadline;
    }

    // ---- reads ----

    /**
     * How the ranges of a scan are read: {@code parallelism} ranges at a time, about
     * {@code rowsWanted} rows (0: all; a hint that reads range by range), and the row filter
     * specification ({@link RowFilters}) applied at the ranges, or null.
     */
    record ReadPlan(int parallelism, int rowsWanted, byte[] filterSpec) {
        /** The whole span, {@link #SCAN_PARALLELISM} ranges at a time, every row and column. */
        static final ReadPlan ALL = new ReadPlan(SCAN_PARALLELISM, 0, null);

        ReadPlan withoutFilter() {
            return new ReadPlan(parallelism, rowsWanted, null);
        }
    }

    /**
     * Visits the rows of {@code table} in {@code spans} of {@code index} (in span order, key
     * order within a span). With {@code lock}, each visited row is written back unchanged, which
     * leaves a write intent on it: SELECT ... FOR UPDATE.
     */
    void scan(TableDescriptor table, IndexDescriptor index, List<Span> spans, boolean lock, RowSink sink) {
        scan(table, index, spans, lock, ReadPlan.ALL, sink);
    }

    /**
     * As above, reading the ranges as {@code plan} says. A filter sent with the plan must hold
     * for every row the sink accepts: the sink still sees this transaction's own writes
     * unfiltered, and rows the filter admits with only the planned columns (the rest NULL).
     */
    void scan(TableDescriptor table, IndexDescriptor index, List<Span> spans, boolean lock, ReadPlan plan,
              RowSink sink) {
        Invariants.check(plan.filterSpec() == null || (index.id() == TableKeys.PRIMARY_INDEX_ID && !lock),
                "a filter pushed to the ranges on %s@%s (locking: %s)", table.name(), index.name(), lock);
        for (Span span : spans) {
            if (span.point()) {
                Invariants.check(index.id() == TableKeys.PRIMARY_INDEX_ID, "point span on a secondary index");
                deadline.check();
                stats.kvGets++;
                byte[] value = txn.get(span.start());
                if (value != null) {
                    countRead();
                    if (lock) {
                        txn.put(span.start(), value);
                    }
                    if (!sink.accept(decodeRow(table, span.start(), value))) {
                        return;
                    }
                }
                continue;
            }
            if (!scanSpan(table, index, span, lock, plan, sink)) {
                return;
            }
        }
    }

    /** One span; false once the sink stopped. */
    private boolean scanSpan(TableDescriptor table, IndexDescriptor index, Span span, boolean lock, ReadPlan plan,
                             RowSink sink) {
        byte[] from = span.start();
        ReadPlan current = plan;
        while (true) {
            deadline.check();
            stats.kvScans++;
            byte[][] lastKey = {null};
            boolean[] stopped = {false};
            ScanRequest request = new ScanRequest(from, span.end(), current.parallelism(), current.rowsWanted(),
                    current.filterSpec() == null ? "" : RowFilters.KIND,
                    current.filterSpec() == null ? new byte[0] : current.filterSpec());
            try {
                stats.add(txn.scan(request, kv -> {
                    lastKey[0] = kv.key();
                    countRead();
                    Value[] row;
                    if (index.id() == TableKeys.PRIMARY_INDEX_ID) {
                        if (lock) {
                            txn.put(kv.key(), kv.value());
                        }
                        row = decodeRow(table, kv.key(), kv.value());
                    } else {
                        row = fetchFromIndexEntry(table, index, kv.key(), lock);
                        if (row == null) {
                            return true;
                        }
                    }
                    stopped[0] = !sink.accept(row);
                    return !stopped[0];
                }));
                return !stopped[0];
            } catch (KvFilterException failed) {
                Invariants.check(current.filterSpec() != null, "a filter failure on a scan without a filter");
                // The failing row may be one this transaction deleted or one the statement would
                // never reach: read on without the filter and let the gateway's evaluation decide.
                stats.pushdownFallbacks++;
                if (lastKey[0] != null) {
                    from = Arrays.copyOf(lastKey[0], lastKey[0].length + 1);
                }
                current = current.withoutFilter();
            }
        }
    }

    private void countRead() {
        stats.rowsRead++;
        if (stats.rowsRead % Deadline.ROWS_PER_CHECK == 0) {
            deadline.check();
        }
        if (stats.rowsRead > MAX_ROWS_READ_PER_STATEMENT) {
            throw new SqlException(SqlState.PROGRAM_LIMIT_EXCEEDED, "statement read more than "
                    + MAX_ROWS_READ_PER_STATEMENT + " rows (TableIo.MAX_ROWS_READ_PER_STATEMENT); "
                    + "narrow it with a WHERE on a key or index, or a LIMIT");
        }
    }

    private Value[] fetchFromIndexEntry(TableDescriptor table, IndexDescriptor index, byte[] key, boolean lock) {
        int prefix = TableKeys.indexPrefix(table.id(), index.id()).length;
        List<Value> values = TableKeys.decodeColumns(key, prefix);
        int indexColumns = index.columnIds().size();
        List<Value> pk = values.subList(indexColumns, values.size());
        byte[] primaryKey = TableKeys.key(table.id(), TableKeys.PRIMARY_INDEX_ID, pk);
        stats.kvGets++;
        byte[] value = txn.get(primaryKey);
        if (value == null) {
            throw new CorruptDataException("index " + table.name() + "@" + index.name()
                    + " entry " + TableKeys.pretty(key) + " has no row " + TableKeys.pretty(primaryKey));
        }
        if (lock) {
            txn.put(primaryKey, value);
        }
        return decodeRow(table, primaryKey, value);
    }

    /** The row with primary key {@code pk} (values in key column order), or null. */
    Value[] get(TableDescriptor table, List<Value> pk) {
        byte[] key = primaryKey(table, pk);
        stats.kvGets++;
        byte[] value = txn.get(key);
        if (value == null) {
            return null;
        }
        countRead();
        return decodeRow(table, key, value);
    }

    static Value[] decodeRow(TableDescriptor table, byte[] key, byte[] value) {
        return decodeRow(table, key, value, null);
    }

    /**
     * The row stored at {@code key}, with only the positions in {@code wanted} (null: all)
     * decoded and the others NULL: a range evaluating a filter on two columns of ten skips the
     * rest of every row it reads.
     */
    static Value[] decodeRow(TableDescriptor table, byte[] key, byte[] value, BitSet wanted) {
        Value[] row = new Value[table.columns().size()];
        Arrays.fill(row, Value.NULL);
        int[] pkPositions = table.primaryKeyPositions();
        if (wanted == null || anyOf(pkPositions, wanted)) {
            List<Value> pk = TableKeys.decodeColumns(key, TableKeys.indexPrefix(table.id(), TableKeys.PRIMARY_INDEX_ID).length);
            if (pk.size() != pkPositions.length) {
                throw new CorruptDataException("row key " + TableKeys.pretty(key) + " has " + pk.size()
                        + " columns, table " + table.name() + " has " + pkPositions.length + " key columns");
            }
            for (int i = 0; i < pkPositions.length; i++) {
                row[pkPositions[i]] = pk.get(i);
            }
        }
        if (value.length == 0 || (value[0] & 0xff) != ROW_FORMAT) {
            throw new CorruptDataException("row " + TableKeys.pretty(key) + " has an unknown value format");
        }
        RowCodec.decodeInto(value, 1, table::findPosition, wanted, row);
        return row;
    }

    private static boolean anyOf(int[] positions, BitSet set) {
        for (int p : positions) {
            if (set.get(p)) {
                return true;
            }
        }
        return false;
    }

    // ---- keys ----

    List<Value> primaryKeyValues(TableDescriptor table, Value[] row) {
        List<Value> pk = new ArrayList<>();
        for (int p : table.primaryKeyPositions()) {
            pk.add(row[p]);
        }
        return pk;
    }

    byte[] primaryKey(TableDescriptor table, List<Value> pk) {
        return checkKey(table, TableKeys.key(table.id(), TableKeys.PRIMARY_INDEX_ID, pk));
    }

    byte[] indexKey(TableDescriptor table, IndexDescriptor index, Value[] row) {
        List<Value> values = new ArrayList<>();
        for (int p : table.positions(index)) {
            values.add(row[p]);
        }
        values.addAll(primaryKeyValues(table, row));
        return checkKey(table, TableKeys.key(table.id(), index.id(), values));
    }

    private static byte[] checkKey(TableDescriptor table, byte[] key) {
        if (key.length > TableKeys.MAX_KEY_BYTES) {
            throw new SqlException(SqlState.PROGRAM_LIMIT_EXCEEDED, "key of " + key.length
                    + " bytes in table \"" + table.name() + "\" exceeds the limit of "
                    + TableKeys.MAX_KEY_BYTES + " bytes (TableKeys.MAX_KEY_BYTES)");
        }
        return key;
    }

    byte[] encodeRow(TableDescriptor table, Value[] row) {
        ByteSink out = new ByteSink(64);
        out.write(ROW_FORMAT);
        List<ColumnDescriptor> columns = table.columns();
        for (int i = 0; i < columns.size(); i++) {
            // A DECIMAL key column is also kept in the value: its key form is normalised
            // (2.50 becomes 2.5), and the value restores the scale the user stored.
            boolean key = table.isKeyColumn(columns.get(i).id());
            if (!key || columns.get(i).type().family() == io.conclave.sql.SqlType.Family.DECIMAL) {
                RowCodec.encodeColumn(out, columns.get(i).id(), row[i]);
            }
        }
        if (out.length() > TableKeys.MAX_ROW_BYTES) {
            throw new SqlException(SqlState.PROGRAM_LIMIT_EXCEEDED, "row of " + out.length()
                    + " bytes in table \"" + table.name() + "\" exceeds the limit of "
                    + TableKeys.MAX_ROW_BYTES + " bytes (TableKeys.MAX_ROW_BYTES)");
        }
        return out.toByteArray();
    }

    // ---- constraint checks ----

    /** A row already holding a unique value of {@code row}: which constraint, and that row. */
    record Conflict(String constraint, Value[] existing) {}

    /**
     * The first existing row that {@code row} would collide with on the primary key or a unique
     * index, ignoring the row with primary key {@code selfPk} (an UPDATE's own old row); null if none.
     */
    Conflict findConflict(TableDescriptor table, Value[] row, List<Value> selfPk) {
        List<Value> pk = primaryKeyValues(table, row);
        if (!pk.equals(selfPk)) {
            Value[] existing = get(table, pk);
            if (existing != null) {
                return new Conflict(table.primaryIndex().name(), existing);
            }
        }
        for (IndexDescriptor index : table.secondaryIndexes()) {
            if (!index.unique()) {
                continue;
            }
            Value[] existing = findUnique(table, index, row, pk, selfPk);
            if (existing != null) {
                return new Conflict(index.name(), existing);
            }
        }
        return null;
    }

    private Value[] findUnique(TableDescriptor table, IndexDescriptor index, Value[] row, List<Value> pk,
                               List<Value> selfPk) {
        ByteSink prefix = new ByteSink(TableKeys.indexPrefix(table.id(), index.id()));
        for (int p : table.positions(index)) {
            if (row[p].isNull()) {
                return null;
            }
            KeyEncoding.encode(prefix, row[p]);
        }
        byte[] start = prefix.toByteArray();
        stats.kvScans++;
        List<KeyValue> found = txn.scan(start, KeyEncoding.prefixEnd(start), 3);
        int indexColumns = index.columnIds().size();
        for (KeyValue kv : found) {
            List<Value> values = TableKeys.decodeColumns(kv.key(), TableKeys.indexPrefix(table.id(), index.id()).length);
            List<Value> otherPk = values.subList(indexColumns, values.size());
            if (!otherPk.equals(pk) && !otherPk.equals(selfPk)) {
                Value[] existing = get(table, otherPk);
                if (existing == null) {
                    throw new CorruptDataException("unique index " + index.name() + " entry "
                            + TableKeys.pretty(kv.key()) + " has no row");
                }
                return existing;
            }
        }
        return null;
    }

    // ---- writes ----

    void insert(TableDescriptor table, Value[] row) {
        txn.put(primaryKey(table, primaryKeyValues(table, row)), encodeRow(table, row));
        stats.rowsWritten++;
        for (IndexDescriptor index : table.secondaryIndexes()) {
            putIndexEntry(table, index, row);
        }
    }

    void putIndexEntry(TableDescriptor table, IndexDescriptor index, Value[] row) {
        txn.put(indexKey(table, index, row), INDEX_ENTRY_VALUE);
        stats.indexEntriesWritten++;
    }

    void delete(TableDescriptor table, Value[] row) {
        txn.delete(primaryKey(table, primaryKeyValues(table, row)));
        stats.rowsWritten++;
        for (IndexDescriptor index : table.secondaryIndexes()) {
            txn.delete(indexKey(table, index, row));
        }
    }

    /** Replaces {@code oldRow} by {@code newRow}, touching only the index entries that change. */
    void update(TableDescriptor table, Value[] oldRow, Value[] newRow) {
        byte[] oldKey = primaryKey(table, primaryKeyValues(table, oldRow));
        byte[] newKey = primaryKey(table, primaryKeyValues(table, newRow));
        if (!Arrays.equals(oldKey, newKey)) {
            txn.delete(oldKey);
        }
        txn.put(newKey, encodeRow(table, newRow));
        stats.rowsWritten++;
        for (IndexDescriptor index : table.secondaryIndexes()) {
            byte[] oldEntry = indexKey(table, index, oldRow);
            byte[] newEntry = indexKey(table, index, newRow);
            if (!Arrays.equals(oldEntry, newEntry)) {
                txn.delete(oldEntry);
                txn.put(newEntry, INDEX_ENTRY_VALUE);
                stats.indexEntriesWritten++;
            }
        }
    }
}

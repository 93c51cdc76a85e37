package io.conclave.sql.exec;

import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.SqlType;
import io.conclave.sql.Value;
import io.conclave.sql.ast.Statement;
import io.conclave.sql.ast.Statement.ColumnDef;
import io.conclave.sql.catalog.CatalogView;
import io.conclave.sql.catalog.ColumnDescriptor;
import io.conclave.sql.catalog.IndexDescriptor;
import io.conclave.sql.catalog.TableDescriptor;
import io.conclave.sql.encoding.KeyEncoding;
import io.conclave.sql.encoding.TableKeys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * CREATE/DROP TABLE and INDEX. Every change is written in the statement's transaction, so DDL is
 * transactional: it commits or rolls back with the rest of the transaction, and a concurrent
 * statement that read the old catalog conflicts on the catalog version and restarts.
 *
 * <p>CREATE INDEX backfills in the creating transaction: it reads every row of the table and
 * writes its index entries before the descriptor that makes the index visible. That is simple
 * and exactly consistent, but the table is effectively locked for writers meanwhile (they
 * conflict and restart) and one transaction must hold all the entries, so a table above
 * {@link #MAX_BACKFILL_ROWS} rows is refused with 54000 rather than attempted.
 */
final class SchemaChanger {
    /** Largest table CREATE INDEX backfills (one transaction holds every new entry). */
    static final int MAX_BACKFILL_ROWS = 100_000;
    /** Most columns in a table; a row's columns are decoded together. */
    static final int MAX_COLUMNS = 1_000;

    private final CatalogView catalog;
    private final TableIo io;
    private final BindContext now;
    private final ExecStats stats;

    SchemaChanger(CatalogView catalog, TableIo io, BindContext now, ExecStats stats) {
        this.stats = stats;
        this.catalog = catalog;
        this.io = io;
        this.now = now;
    }

    String createTable(Statement.CreateTable create) {
        if (catalog.find(create.name()) != null) {
            if (create.ifNotExists()) {
                return "CREATE TABLE";
            }
            throw new SqlException(SqlState.DUPLICATE_TABLE, "relation \"" + create.name() + "\" already exists");
        }
        if (create.columns().isEmpty()) {
            throw new SqlException(SqlState.INVALID_TABLE_DEFINITION, "table \"" + create.name() + "\" needs at least one column");
        }
        if (create.columns().size() > MAX_COLUMNS) {
            throw new SqlException(SqlState.PROGRAM_LIMIT_EXCEEDED, "tables can have at most " + MAX_COLUMNS + " columns");
        }
        List<ColumnDescriptor> columns = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<String> primaryKey = new ArrayList<>(create.primaryKey());
        List<List<String>> uniques = new ArrayList<>(create.uniques());
        Binder binder = Binder.plain(Scope.EMPTY, now.withoutParameters(), "DEFAULT");
        int nextColumnId = 1;
        for (ColumnDef def : create.columns()) {
            if (!names.add(def.name())) {
                throw new SqlException(SqlState.DUPLICATE_COLUMN, "column \"" + def.name() + "\" specified more than once");
            }
            if (def.primaryKey()) {
                if (!primaryKey.isEmpty()) {
                    throw new SqlException(SqlState.INVALID_TABLE_DEFINITION,
                            "multiple primary keys for table \"" + create.name() + "\" are not allowed");
                }
                primaryKey.add(def.name());
            }
            if (def.unique()) {
                uniques.add(List.of(def.name()));
            }
            if (def.defaultExpr() != null) {
                // Bound with no columns in scope: a DEFAULT naming a column fails here (42703).
                binder.bindAssignment(def.defaultExpr(), def.type(), def.name());
            }
            columns.add(new ColumnDescriptor(nextColumnId++, def.name(), def.type(), !def.notNull(), def.defaultSql(), false));
        }
        List<Integer> keyIds = new ArrayList<>();
        if (primaryKey.isEmpty()) {
            if (names.contains("rowid")) {
                throw new SqlException(SqlState.DUPLICATE_COLUMN, "column \"rowid\" is the hidden row id of a table "
                        + "without a primary key; declare a PRIMARY KEY or rename the column");
            }
            ColumnDescriptor rowid = new ColumnDescriptor(nextColumnId++, "rowid", SqlType.INT, false, null, true);
            columns.add(rowid);
            keyIds.add(rowid.id());
        } else {
            keyIds.addAll(columnIds(columns, primaryKey, create.name()));
            for (int i = 0; i < columns.size(); i++) {
                ColumnDescriptor c = columns.get(i);
                if (keyIds.contains(c.id()) && c.nullable()) {
                    columns.set(i, new ColumnDescriptor(c.id(), c.name(), c.type(), false, c.defaultSql(), false));
                }
            }
        }
        IndexDescriptor primary = new IndexDescriptor(TableKeys.PRIMARY_INDEX_ID, create.name() + "_pkey", true, keyIds);
        List<IndexDescriptor> indexes = new ArrayList<>();
        int nextIndexId = 2;
        Set<String> indexNames = new HashSet<>();
        indexNames.add(primary.name());
        for (List<String> unique : uniques) {
            String name = create.name() + "_" + String.join("_", unique) + "_key";
            if (!indexNames.add(name)) {
                continue;
            }
            indexes.add(new IndexDescriptor(nextIndexId++, name, true, columnIds(columns, unique, create.name())));
        }
        final int indexIdAfter = nextIndexId;
        final int columnIdAfter = nextColumnId;
        catalog.createTable(create.name(), id -> new TableDescriptor(id, create.name(), 1, columns, primary,
                indexes, columnIdAfter, indexIdAfter));
        return "CREATE TABLE";
    }

    private static List<Integer> columnIds(List<ColumnDescriptor> columns, List<String> names, String table) {
        List<Integer> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new SqlException(SqlState.DUPLICATE_COLUMN, "column \"" + name + "\" appears twice in a key");
            }
            ColumnDescriptor found = columns.stream().filter(c -> c.name().equals(name)).findFirst()
                    .orElseThrow(() -> new SqlException(SqlState.UNDEFINED_COLUMN,
                            "column \"" + name + "\" named in key does not exist in table \"" + table + "\""));
            out.add(found.id());
        }
        return out;
    }

    String dropTable(Statement.DropTable drop) {
        TableDescriptor table = catalog.find(drop.name());
        if (table == null) {
            if (drop.ifExists()) {
                return "DROP TABLE";
            }
            throw new SqlException(SqlState.UNDEFINED_TABLE, "relation \"" + drop.name() + "\" does not exist");
        }
        catalog.dropTable(table);
        byte[] prefix = TableKeys.tablePrefix(table.id());
        stats.droppedSpans.add(new byte[][] {prefix, KeyEncoding.prefixEnd(prefix)});
        return "DROP TABLE";
    }

    String createIndex(Statement.CreateIndex create) {
        TableDescriptor table = catalog.table(create.table());
        String name = create.name() != null ? create.name()
                : table.name() + "_" + String.join("_", create.columns()) + "_idx";
        for (TableDescriptor t : catalog.tables()) {
            if (t.findIndex(name) != null) {
                if (create.ifNotExists()) {
                    return "CREATE INDEX";
                }
                throw new SqlException(SqlState.DUPLICATE_TABLE, "relation \"" + name + "\" already exists");
            }
        }
        List<Integer> columnIds = columnIds(table.columns(), create.columns(), table.name());
        IndexDescriptor index = new IndexDescriptor(table.nextIndexId(), name, create.unique(), columnIds);
        List<IndexDescriptor> indexes = new ArrayList<>(table.secondaryIndexes());
        indexes.add(index);
        TableDescriptor updated = table.withIndexes(indexes, table.nextIndexId() + 1);
        backfill(updated, index);
        catalog.updateTable(updated);
        return "CREATE INDEX";
    }

    private void backfill(TableDescriptor table, IndexDescriptor index) {
        byte[] start = TableKeys.indexPrefix(table.id(), TableKeys.PRIMARY_INDEX_ID);
        List<Span> all = List.of(new Span(start, KeyEncoding.prefixEnd(start), false));
        Set<List<Value>> seen = new HashSet<>();
        int[] positions = table.positions(index);
        int[] count = {0};
        io.scan(table, table.primaryIndex(), all, false, row -> {
            if (++count[0] > MAX_BACKFILL_ROWS) {
                throw new SqlException(SqlState.PROGRAM_LIMIT_EXCEEDED, "CREATE INDEX " + index.name()
                        + ": table \"" + table.name() + "\" has more than " + MAX_BACKFILL_ROWS
                        + " rows; CREATE INDEX backfills inside one transaction and refuses larger tables "
                        + "(SchemaChanger.MAX_BACKFILL_ROWS)");
            }
            if (index.unique()) {
                List<Value> key = new ArrayList<>();
                boolean hasNull = false;
                for (int p : positions) {
                    key.add(row[p]);
                    hasNull |= row[p].isNull();
                }
                if (!hasNull && !seen.add(key)) {
                    throw new SqlException(SqlState.UNIQUE_VIOLATION, "could not create unique index \""
                            + index.name() + "\": key " + key + " is duplicated");
                }
            }
            io.putIndexEntry(table, index, row);
            return true;
        });
    }

    String dropIndex(Statement.DropIndex drop) {
        List<TableDescriptor> candidates = drop.table() != null ? List.of(catalog.table(drop.table())) : catalog.tables();
        for (TableDescriptor table : candidates) {
            IndexDescriptor index = table.findIndex(drop.name());
            if (index == null) {
                continue;
            }
            if (index.id() == TableKeys.PRIMARY_INDEX_ID) {
                throw new SqlException(SqlState.FEATURE_NOT_SUPPORTED, "cannot drop the primary index \""
                        + index.name() + "\" of table \"" + table.name() + "\"");
            }
            List<IndexDescriptor> remaining = new ArrayList<>(table.secondaryIndexes());
            remaining.remove(index);
            // Index ids are never reused: the entries are unreachable once this commits.
            catalog.updateTable(table.withIndexes(remaining, table.nextIndexId()));
            byte[] prefix = TableKeys.indexPrefix(table.id(), index.id());
            stats.droppedSpans.add(new byte[][] {prefix, KeyEncoding.prefixEnd(prefix)});
            return "DROP INDEX";
        }
        if (drop.ifExists()) {
            return "DROP INDEX";
        }
        throw new SqlException(SqlState.UNDEFINED_OBJECT, "index \"" + drop.name() + "\" does not exist");
    }

    /** SHOW CREATE TABLE's text. */
    static String showCreate(TableDescriptor table) {
        StringBuilder out = new StringBuilder("CREATE TABLE ").append(table.name()).append(" (\n");
        List<String> lines = new ArrayList<>();
        for (ColumnDescriptor c : table.columns()) {
            if (c.hidden()) {
                continue;
            }
            StringBuilder line = new StringBuilder("    ").append(c.name()).append(' ').append(c.type().sqlName());
            if (!c.nullable()) {
                line.append(" NOT NULL");
            }
            if (c.defaultSql() != null) {
                line.append(" DEFAULT ").append(c.defaultSql());
            }
            lines.add(line.toString());
        }
        if (!table.columns().get(table.positionOf(table.primaryIndex().columnIds().get(0))).hidden()) {
            lines.add("    CONSTRAINT " + table.primaryIndex().name() + " PRIMARY KEY (" + names(table, table.primaryIndex()) + ")");
        }
        for (IndexDescriptor index : table.secondaryIndexes()) {
            lines.add("    " + (index.unique() ? "UNIQUE " : "") + "INDEX " + index.name() + " (" + names(table, index) + ")");
        }
        out.append(String.join(",\n", lines)).append("\n)");
        return out.toString();
    }

    private static String names(TableDescriptor table, IndexDescriptor index) {
        List<String> out = new ArrayList<>();
        for (int p : table.positions(index)) {
            out.add(table.columns().get(p).name());
        }
        return String.join(", ", out);
    }
}

package io.conclave.sql.exec;

import io.conclave.sql.Column;
import io.conclave.sql.Result;
import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.SqlType;
import io.conclave.sql.Value;
import io.conclave.sql.ast.Expr;
import io.conclave.sql.ast.SqlPrinter;
import io.conclave.sql.ast.Statement;
import io.conclave.sql.catalog.CatalogView;
import io.conclave.sql.catalog.ColumnDescriptor;
import io.conclave.sql.catalog.TableDescriptor;
import io.conclave.sql.encoding.KeyEncoding;
import io.conclave.sql.encoding.TableKeys;
import io.conclave.sql.kv.RangeInfo;
import io.conclave.sql.kv.SqlAdmin;
import io.conclave.sql.kv.SqlTxn;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import io.conclave.sql.auth.Authorizer;
import io.conclave.sql.auth.UserStatements;
import io.conclave.sql.auth.Users;

/**
 * Runs one data or schema statement inside a transaction the session owns: SELECT, INSERT,
 * UPSERT, UPDATE, DELETE, CREATE/DROP TABLE/INDEX, SHOW TABLES, SHOW CREATE TABLE, SHOW RANGES,
 * ALTER TABLE ... SPLIT AT, and EXPLAIN's plan text. Transaction control, settings and
 * AS OF SYSTEM TIME belong to the session. One executor per statement, on the session's thread.
 */
public final class Executor {
    private final SqlTxn txn;
    private final CatalogView catalog;
    private final SqlAdmin admin;
    private final BindContext now;
    private final ExecStats stats = new ExecStats();
    private final TableIo io;
    private final QueryPlanner planner;
    private final QueryRunner runner;
    private final String user;
    private final Consumer<byte[]> saltSource;

    /** {@code admin} may be null (range statements then fail with 0A000). */
    public Executor(SqlTxn txn, CatalogView catalog, SqlAdmin admin) {
        this(txn, catalog, admin, Deadline.none(), List.of(), new UniqueIds(0));
    }

    /**
     * As above, cancelling the statement with 57014 once {@code deadline} passes, with
     * {@code parameters} the values of {@code $1, $2, ...} and {@code uniqueIds} the engine's
     * source of row ids.
     */
    public Executor(SqlTxn txn, CatalogView catalog, SqlAdmin admin, Deadline deadline, List<Value> parameters,
                    UniqueIds uniqueIds) {
        this(txn, catalog, admin, deadline, parameters, uniqueIds, Users.ROOT, NO_SALT);
    }

    /**
     * As above for the session's {@code user}, whose privileges are checked before each statement
     * (root's never are), with {@code saltSource} filling the salts of new password hashes.
     */
    public Executor(SqlTxn txn, CatalogView catalog, SqlAdmin admin, Deadline deadline, List<Value> parameters,
                    UniqueIds uniqueIds, String user, Consumer<byte[]> saltSource) {
        this.user = user;
        this.saltSource = saltSource;
        this.txn = txn;
        this.catalog = catalog;
        this.admin = admin;
        this.now = new BindContext(Value.ofTimestampMicros(txn.readTimestamp().wallNanos() / 1_000), parameters,
                uniqueIds);
        this.io = new TableIo(txn, stats, deadline);
        this.planner = new QueryPlanner(catalog, now);
        this.runner = new QueryRunner(io, deadline);
    }

    /**
     * Whether primary-index scans may evaluate their filters and projections at the ranges (the
     * store must filter scans: {@link io.conclave.sql.kv.SqlKv#filtersScans()}). Off by default.
     */
    public Executor withScanPushdown(boolean on) {
        runner.setPushdown(on);
        return this;
    }

    public ExecStats stats() {
        return stats;
    }

    /** Whether the statement writes (and so cannot run in a read-only transaction). */
    public static boolean writes(Statement s) {
        return s instanceof Statement.Insert || s instanceof Statement.Update || s instanceof Statement.Delete
                || s instanceof Statement.CreateTable || s instanceof Statement.CreateIndex
                || s instanceof Statement.DropTable || s instanceof Statement.DropIndex
                || (s instanceof Statement.Select select && select.forUpdate())
                || s instanceof Statement.CreateUser || s instanceof Statement.AlterUser
                || s instanceof Statement.DropUser || s instanceof Statement.Grant || s instanceof Statement.GrantRole;
    }

    /** The short constructors serve tests and tools that never set a password; one that tries fails loudly. */
    private static final Consumer<byte[]> NO_SALT = salt -> {
        throw new IllegalStateException("this executor was built without a salt source for passwords");
    };

    public Result execute(Statement s) {
        if (txn.isReadOnly() && writes(s)) {
            throw new SqlException(SqlState.READ_ONLY_TRANSACTION,
                    "cannot execute " + kind(s) + " in a read-only transaction");
        }
        Authorizer authorizer = null;
        if (!Users.ROOT.equals(user)) {
            authorizer = new Authorizer(txn, catalog, user);
            authorizer.check(s);
        }
        if (UserStatements.handles(s)) {
            return new UserStatements(txn, catalog, user, saltSource).execute(s);
        }
        if (s instanceof Statement.Select select) {
            QueryPlanner.QueryPlan plan = planner.plan(select);
            List<List<Value>> rows = runner.run(plan);
            return new Result(plan.columns(), rows, rows.size(), "SELECT " + rows.size());
        }
        Writer writer = new Writer(catalog, io, planner, runner, now);
        SchemaChanger schema = new SchemaChanger(catalog, io, now, stats);
        if (s instanceof Statement.Insert insert) {
            return writer.insert(insert);
        }
        if (s instanceof Statement.Update update) {
            return writer.update(update);
        }
        if (s instanceof Statement.Delete delete) {
            return writer.delete(delete);
        }
        if (s instanceof Statement.CreateTable create) {
            Result created = Result.tagOnly(schema.createTable(create));
            if (authorizer != null && !authorizer.isAdmin()) {
                UserStatements.grantOwner(txn, catalog, user, create.name());
            }
            return created;
        }
        if (s instanceof Statement.CreateIndex create) {
            return Result.tagOnly(schema.createIndex(create));
        }
        if (s instanceof Statement.DropTable drop) {
            return Result.tagOnly(schema.dropTable(drop));
        }
        if (s instanceof Statement.DropIndex drop) {
            return Result.tagOnly(schema.dropIndex(drop));
        }
        if (s instanceof Statement.ShowTables) {
            List<List<Value>> rows = new ArrayList<>();
            for (TableDescriptor t : catalog.tables()) {
                rows.add(List.of(Value.ofString(t.name())));
            }
            return new Result(List.of(new Column("table_name", SqlType.STRING)), rows, rows.size(), "SHOW TABLES");
        }
        if (s instanceof Statement.ShowCreateTable show) {
            TableDescriptor t = catalog.table(show.table());
            return new Result(List.of(new Column("table_name", SqlType.STRING), new Column("create_statement", SqlType.STRING)),
                    List.of(List.of(Value.ofString(t.name()), Value.ofString(SchemaChanger.showCreate(t)))), 1,
                    "SHOW CREATE TABLE");
        }
        if (s instanceof Statement.ShowColumns show) {
            return showColumns(catalog.table(show.table()));
        }
        if (s instanceof Statement.ShowRanges show) {
            return showRanges(catalog.table(show.table()));
        }
        if (s instanceof Statement.SplitAt split) {
            return splitAt(split);
        }
        throw new SqlException(SqlState.FEATURE_NOT_SUPPORTED, kind(s) + " is not supported here");
    }

    /** One row per column, for shells and JDBC metadata: name, type, nullability, default, key, hidden. */
    private static Result showColumns(TableDescriptor table) {
        List<List<Value>> rows = new ArrayList<>();
        for (ColumnDescriptor c : table.columns()) {
            rows.add(List.of(Value.ofString(c.name()), Value.ofString(c.type().sqlName()), Value.ofBool(c.nullable()),
                    c.defaultSql() == null ? Value.NULL : Value.ofString(c.defaultSql()),
                    Value.ofBool(table.isKeyColumn(c.id())), Value.ofBool(c.hidden())));
        }
        List<Column> columns = List.of(new Column("column_name", SqlType.STRING), new Column("data_type", SqlType.STRING),
                new Column("is_nullable", SqlType.BOOL), new Column("column_default", SqlType.STRING),
                new Column("is_primary_key", SqlType.BOOL), new Column("is_hidden", SqlType.BOOL));
        return new Result(columns, rows, rows.size(), "SHOW COLUMNS");
    }

    // ---- ranges ----

    private SqlAdmin requireAdmin(String what) {
        if (admin == null) {
            throw new SqlException(SqlState.FEATURE_NOT_SUPPORTED, what + " needs range administration, "
                    + "which this SQL engine was started without");
        }
        return admin;
    }

    private Result showRanges(TableDescriptor table) {
        SqlAdmin a = requireAdmin("SHOW RANGES");
        byte[] start = TableKeys.tablePrefix(table.id());
        byte[] end = KeyEncoding.prefixEnd(start);
        List<List<Value>> rows = new ArrayList<>();
        for (RangeInfo r : a.rangesOf(start, end)) {
            rows.add(List.of(Value.ofString(tableKeyText(table, r.startKey(), true)),
                    Value.ofString(tableKeyText(table, r.endKey(), false)),
                    Value.ofInt(r.rangeId()),
                    Value.ofString(r.replicas().stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"))),
                    Value.ofInt(r.leaseholder()),
                    Value.ofInt(r.sizeBytes())));
        }
        List<Column> columns = List.of(new Column("start_key", SqlType.STRING), new Column("end_key", SqlType.STRING),
                new Column("range_id", SqlType.INT), new Column("replicas", SqlType.STRING),
                new Column("lease_holder", SqlType.INT), new Column("range_size", SqlType.INT));
        return new Result(columns, rows, rows.size(), "SHOW RANGES");
    }

    /**
     * A range boundary as the table sees it: the primary key values {@code (5, 'a')} when it is
     * inside the table's primary index, NULL when it lies before/after the table, else the key.
     */
    static String tableKeyText(TableDescriptor table, byte[] key, boolean isStart) {
        byte[] primary = TableKeys.indexPrefix(table.id(), TableKeys.PRIMARY_INDEX_ID);
        byte[] tableStart = TableKeys.tablePrefix(table.id());
        byte[] tableEnd = KeyEncoding.prefixEnd(tableStart);
        if (key == null || (isStart && Arrays.compareUnsigned(key, primary) <= 0)
                || (!isStart && Arrays.compareUnsigned(key, tableEnd) >= 0)) {
            return "NULL";
        }
        if (key.length > primary.length && Arrays.equals(primary, 0, primary.length, key, 0, primary.length)) {
            try {
                List<Value> values = TableKeys.decodeColumns(key, primary.length);
                return values.stream().map(v -> v.family() == SqlType.Family.STRING ? "'" + v.asString() + "'" : v.toString())
                        .collect(Collectors.joining(", ", "(", ")"));
            } catch (RuntimeException notAKey) {
                return TableKeys.pretty(key);
            }
        }
        return TableKeys.pretty(key);
    }

    private Result splitAt(Statement.SplitAt split) {
        TableDescriptor table = catalog.table(split.table());
        SqlAdmin a = requireAdmin("ALTER TABLE ... SPLIT AT");
        int[] keyPositions = table.primaryKeyPositions();
        Binder binder = Binder.plain(Scope.EMPTY, now, "SPLIT AT");
        List<List<Value>> rows = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        for (List<Expr> row : split.rows()) {
            if (row.size() > keyPositions.length) {
                throw new SqlException(SqlState.SYNTAX_ERROR, "SPLIT AT has " + row.size()
                        + " values but the primary key of \"" + table.name() + "\" has " + keyPositions.length + " columns");
            }
            List<Value> values = new ArrayList<>();
            for (int i = 0; i < row.size(); i++) {
                ColumnDescriptor c = table.columns().get(keyPositions[i]);
                values.add(Coercion.assign(binder.bindAssignment(row.get(i), c.type(), c.name()).eval(new Value[0]),
                        c.type(), c.name()));
            }
            keys.add(io.primaryKey(table, values));
            rows.add(List.of(Value.ofString(tableKeyText(table, keys.get(keys.size() - 1), true)),
                    Value.ofString(TableKeys.pretty(keys.get(keys.size() - 1)))));
        }
        for (byte[] key : keys) {
            a.split(key);
        }
        return new Result(List.of(new Column("key", SqlType.STRING), new Column("pretty", SqlType.STRING)),
                rows, rows.size(), "SPLIT " + rows.size());
    }

    // ---- EXPLAIN ----

    /** The plan of a statement as text lines: operators, indexes, spans, filters and ranges. */
    public List<String> explain(Statement s) {
        if (!Users.ROOT.equals(user)) {
            new Authorizer(txn, catalog, user).check(s);
        }
        List<String> out = new ArrayList<>();
        if (s instanceof Statement.Select select) {
            describe(planner.plan(select), out, "");
        } else if (s instanceof Statement.Insert insert) {
            out.add((insert.upsert() ? "upsert into " : "insert into ") + insert.table());
            if (insert.rows() != null) {
                out.add("  values: " + insert.rows().size() + " row" + (insert.rows().size() == 1 ? "" : "s"));
            } else {
                describe(planner.plan(insert.query()), out, "  ");
            }
            if (insert.onConflict() != null) {
                out.add("  on conflict: " + (insert.onConflict().doNothing() ? "do nothing" : "do update"));
            }
        } else if (s instanceof Statement.Update update) {
            out.add("update " + update.table());
            out.add("  set: " + update.assignments().stream().map(a -> a.column() + " = " + SqlPrinter.print(a.value()))
                    .collect(Collectors.joining(", ")));
            describeFrom(planner.planFrom(List.of(new Statement.FromItem(update.table(), null, null)), update.where(), false), out, "  ", -1, null);
        } else if (s instanceof Statement.Delete delete) {
            out.add("delete from " + delete.table());
            describeFrom(planner.planFrom(List.of(new Statement.FromItem(delete.table(), null, null)), delete.where(), false), out, "  ", -1, null);
        } else {
            out.add(kind(s).toLowerCase());
        }
        return out;
    }

    private void describe(QueryPlanner.QueryPlan plan, List<String> out, String indent) {
        String inner = indent;
        if (plan.limit() >= 0 || plan.offset() > 0) {
            out.add(indent + "limit" + (plan.limit() >= 0 ? " " + plan.limit() : "") + (plan.offset() > 0 ? " offset " + plan.offset() : ""));
            inner += "  ";
        }
        if (!plan.sort().isEmpty()) {
            out.add(inner + "sort: " + plan.sort().stream().map(k -> k.text() + (k.descending() ? " DESC" : ""))
                    .collect(Collectors.joining(", ")) + (plan.scanOrdered() ? " (primary key order: none needed)" : ""));
            inner += "  ";
        }
        if (plan.distinct()) {
            out.add(inner + "distinct");
            inner += "  ";
        }
        out.add(inner + "project: " + plan.columns().stream().map(Column::name).collect(Collectors.joining(", ")));
        inner += "  ";
        if (plan.aggregate() != null) {
            QueryPlanner.Aggregate agg = plan.aggregate();
            out.add(inner + "group" + (agg.groupAst().isEmpty() ? "" : " by " + agg.groupAst().stream()
                    .map(SqlPrinter::print).collect(Collectors.joining(", ")))
                    + (agg.aggregateAst().isEmpty() ? "" : " computing " + agg.aggregateAst().stream()
                    .map(SqlPrinter::print).collect(Collectors.joining(", "))));
            inner += "  ";
        }
        boolean streamLimit = plan.streamsLimit();
        describeFrom(plan.from(), out, inner, streamLimit ? plan.offset() + plan.limit() : -1,
                QueryRunner.neededColumns(plan));
    }

    /** {@code stopAfter} and {@code needed} as {@link QueryRunner#rows(QueryPlanner.FromPlan, long, java.util.BitSet[])} takes them. */
    private void describeFrom(QueryPlanner.FromPlan from, List<String> out, String indent, long stopAfter,
                              java.util.BitSet[] needed) {
        if (from.sources().isEmpty()) {
            out.add(indent + "values: 1 row");
            return;
        }
        for (int t = from.sources().size() - 1; t >= 1; t--) {
            QueryPlanner.JoinStep join = from.joins().get(t - 1);
            String keys = join.keys().isEmpty() ? "cross join"
                    : join.lookup() != null ? "lookup join into " + from.sources().get(t).table().name()
                    + "@" + join.lookup().index().name()
                    + " (hash join above " + QueryRunner.MAX_LOOKUP_JOIN_ROWS + " rows)"
                    : "hash join";
            out.add(indent + keys + (join.residualAst().isEmpty() ? "" : " on " + join.residualAst().stream()
                    .map(SqlPrinter::print).collect(Collectors.joining(" AND "))));
        }
        for (int t = 0; t < from.scans().size(); t++) {
            // A lookup join's right side is read by point reads and prefix scans, not scanned.
            boolean scanned = t == 0 || from.joins().get(t - 1).lookup() == null;
            describeScan(from.scans().get(t), out, indent + (from.sources().size() > 1 ? "  " : ""), scanned,
                    t == 0 && from.sources().size() == 1 ? stopAfter : -1, needed == null ? null : needed[t]);
        }
    }

    private void describeScan(QueryPlanner.ScanPlan scan, List<String> out, String indent, boolean scanned,
                              long stopAfter, java.util.BitSet needed) {
        TableDescriptor table = scan.source().table();
        SpanPlanner.Choice choice = scan.choice();
        String alias = scan.source().alias().equals(table.name()) ? "" : " AS " + scan.source().alias();
        out.add(indent + "scan " + table.name() + "@" + choice.index().name() + alias
                + (scan.lock() ? " (locking: FOR UPDATE)" : ""));
        String detail = indent + "  ";
        if (choice.spans().isEmpty()) {
            out.add(detail + "spans: none (the filter admits no key)");
        } else if (choice.fullScan()) {
            out.add(detail + "spans: FULL SCAN " + choice.spans().get(0).pretty());
        } else {
            out.add(detail + "spans: " + choice.spans().stream().map(Span::pretty).collect(Collectors.joining(", "))
                    + (choice.spans().get(0).point() ? " (point lookup" + (choice.spans().size() > 1 ? "s" : "") + ")" : ""));
        }
        if (!scan.filterAst().isEmpty()) {
            out.add(detail + "filter: " + scan.filterAst().stream().map(SqlPrinter::print).collect(Collectors.joining(" AND ")));
        }
        boolean points = !choice.spans().isEmpty() && choice.spans().get(0).point();
        if (scanned && !choice.spans().isEmpty() && !points) {
            QueryRunner.ReadDecision read = runner.readDecision(scan, stopAfter, needed);
            List<String> pushed = new ArrayList<>();
            if (!read.pushedConjuncts().isEmpty()) {
                pushed.add("filter " + read.pushedConjuncts().stream().map(i -> SqlPrinter.print(scan.filterAst().get(i)))
                        .collect(Collectors.joining(" AND ")));
            }
            if (read.projection() != null) {
                List<String> names = new ArrayList<>();
                for (int p = read.projection().nextSetBit(0); p >= 0; p = read.projection().nextSetBit(p + 1)) {
                    names.add(table.columns().get(p).name());
                }
                pushed.add("columns " + (names.isEmpty() ? "(key only)" : String.join(", ", names)));
            }
            out.add(detail + "pushed to ranges: " + (pushed.isEmpty() ? "none" + (runner.pushdown() ? ""
                    : " (scan_pushdown off)") : String.join("; ", pushed)));
            out.add(detail + "read: " + (read.plan().parallelism() > 1
                    ? "up to " + read.plan().parallelism() + " ranges at a time, in parallel"
                    : read.plan().rowsWanted() > 0 ? "range by range, asking for " + read.plan().rowsWanted() + " rows (LIMIT)"
                    : "range by range, a page at a time (LIMIT over a filter evaluated here)"));
        }
        if (admin != null) {
            for (Span span : choice.spans()) {
                List<RangeInfo> ranges = admin.rangesOf(span.start(), span.end());
                out.add(detail + "ranges of " + span.pretty() + ": " + ranges.stream()
                        .map(r -> "r" + r.rangeId() + " (leaseholder n" + r.leaseholder() + ")")
                        .collect(Collectors.joining(", ")));
            }
        }
    }

    static String kind(Statement s) {
        String name = s.getClass().getSimpleName();
        return switch (name) {
            case "Select" -> "SELECT";
            case "Insert" -> "INSERT";
            case "Update" -> "UPDATE";
            case "Delete" -> "DELETE";
            case "CreateTable" -> "CREATE TABLE";
            case "CreateIndex" -> "CREATE INDEX";
            case "DropTable" -> "DROP TABLE";
            case "DropIndex" -> "DROP INDEX";
            default -> name.replaceAll("([a-z])([A-Z])", "$1 $2").toUpperCase();
        };
    }
}

package io.conclave.sql.exec;

import io.conclave.sql.Column;
import io.conclave.sql.Result;
import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.SqlType;
import io.conclave.sql.Value;
import io.conclave.sql.ast.Expr;
import io.conclave.sql.ast.Statement;
import io.conclave.sql.ast.Statement.Assignment;
import io.conclave.sql.ast.Statement.FromItem;
import io.conclave.sql.ast.Statement.SelectItem;
import io.conclave.sql.catalog.CatalogView;
import io.conclave.sql.catalog.ColumnDescriptor;
import io.conclave.sql.catalog.TableDescriptor;
import io.conclave.sql.parser.StatementParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * INSERT, UPSERT, UPDATE and DELETE. Target rows are read completely before the first write
 * (so an UPDATE never sees its own changes), and every write checks NOT NULL (23502) and the
 * primary key and unique indexes (23505) against the transaction's current state, which includes
 * the statement's own earlier rows.
 */
final class Writer {
    private final CatalogView catalog;
    private final TableIo io;
    private final QueryPlanner planner;
    private final QueryRunner runner;
    private final BindContext now;

    Writer(CatalogView catalog, TableIo io, QueryPlanner planner, QueryRunner runner, BindContext now) {
        this.catalog = catalog;
        this.io = io;
        this.planner = planner;
        this.runner = runner;
        this.now = now;
    }

    // ---- INSERT / UPSERT ----

    Result insert(Statement.Insert insert) {
        TableDescriptor table = catalog.table(insert.table());
        List<ColumnDescriptor> columns = table.columns();
        int[] targets = targetPositions(table, insert.columns());
        if (insert.columns().isEmpty() && insert.rows() != null && !insert.rows().isEmpty()) {
            // Without a column list, VALUES fills the first columns and the rest take defaults.
            int width = insert.rows().get(0).size();
            for (List<Expr> row : insert.rows()) {
                if (row.size() != width) {
                    throw new SqlException(SqlState.SYNTAX_ERROR, "VALUES lists must all be the same length");
                }
            }
            if (width < targets.length) {
                targets = Arrays.copyOf(targets, width);
            }
        }
        List<Value[]> sourceRows = sourceRows(insert, table, targets);

        Scope tableScope = QueryPlanner.tableScope(table, table.name());
        Returning returning = returning(insert.returning(), tableScope);
        Statement.OnConflict onConflict = insert.onConflict();
        BoundExpr conflictWhere = null;
        List<int[]> updatePositions = new ArrayList<>();
        List<BoundExpr> updateValues = new ArrayList<>();
        String arbiter = arbiter(table, onConflict);
        if (onConflict != null && !onConflict.doNothing()) {
            Scope withExcluded = tableScope.concat(QueryPlanner.tableScope(table, "excluded"));
            bindAssignments(table, onConflict.updates(), withExcluded, updatePositions, updateValues);
            if (onConflict.where() != null) {
                conflictWhere = Binder.plain(withExcluded, now, "WHERE").bindCondition(onConflict.where(), "WHERE");
            }
        }
        List<BoundExpr> defaults = defaults(table);
        int hiddenRowId = hiddenRowIdPosition(table);

        long count = 0;
        for (Value[] source : sourceRows) {
            Value[] row = new Value[columns.size()];
            boolean[] given = new boolean[columns.size()];
            for (int i = 0; i < targets.length; i++) {
                row[targets[i]] = source[i];
                given[targets[i]] = true;
            }
            for (int i = 0; i < row.length; i++) {
                if (!given[i]) {
                    row[i] = i == hiddenRowId ? Value.ofInt(now.nextUniqueId())
                            : defaults.get(i) == null ? Value.NULL
                            : Coercion.assign(defaults.get(i).eval(new Value[0]), columns.get(i).type(), columns.get(i).name());
                }
            }
            checkNotNull(table, row);
            TableIo.Conflict conflict = io.findConflict(table, row, null);
            if (conflict == null) {
                io.insert(table, row);
                returning.add(row);
                count++;
                continue;
            }
            if (arbiter != null && !arbiter.equals(conflict.constraint())) {
                throw uniqueViolation(table, conflict.constraint(), row);
            }
            if (insert.upsert()) {
                if (!conflict.constraint().equals(table.primaryIndex().name())) {
                    throw uniqueViolation(table, conflict.constraint(), row);
                }
                Value[] merged = conflict.existing().clone();
                for (int p : targets) {
                    merged[p] = row[p];
                }
                replace(table, conflict.existing(), merged);
                returning.add(merged);
                count++;
            } else if (onConflict != null && onConflict.doNothing()) {
                continue;
            } else if (onConflict != null) {
                Value[] existing = conflict.existing();
                Value[] both = concat(existing, row);
                if (conflictWhere != null && !QueryRunner.isTrue(conflictWhere.eval(both))) {
                    continue;
                }
                Value[] updated = apply(table, existing, both, updatePositions, updateValues);
                replace(table, existing, updated);
                returning.add(updated);
                count++;
            } else {
                throw uniqueViolation(table, conflict.constraint(), row);
            }
        }
        return returning.result(count, "INSERT 0 " + count);
    }

    /**
     * The constraint an ON CONFLICT (columns) names: the primary key or a unique index on exactly
     * those columns (42P10 if none). Conflicts on other constraints still fail with 23505. Null
     * when no columns are given: then any conflict is handled.
     */
    private static String arbiter(TableDescriptor table, Statement.OnConflict onConflict) {
        if (onConflict == null || onConflict.target().isEmpty()) {
            return null;
        }
        Set<Integer> target = new HashSet<>();
        for (String name : onConflict.target()) {
            target.add(table.columns().get(table.requirePosition(name)).id());
        }
        for (var index : table.allIndexes()) {
            if (index.unique() && new HashSet<>(index.columnIds()).equals(target)) {
                return index.name();
            }
        }
        throw new SqlException(SqlState.INVALID_COLUMN_REFERENCE,
                "there is no unique constraint matching the ON CONFLICT specification " + onConflict.target());
    }

    private int[] targetPositions(TableDescriptor table, List<String> names) {
        if (names.isEmpty()) {
            List<Integer> visible = new ArrayList<>();
            for (int i = 0; i < table.columns().size(); i++) {
                if (!table.columns().get(i).hidden()) {
                    visible.add(i);
                }
            }
            return visible.stream().mapToInt(Integer::intValue).toArray();
        }
        int[] out = new int[names.size()];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < out.length; i++) {
            if (!seen.add(names.get(i))) {
                throw new SqlException(SqlState.DUPLICATE_COLUMN,
                        "column \"" + names.get(i) + "\" specified more than once");
            }
            out[i] = table.requirePosition(names.get(i));
        }
        return out;
    }

    private List<Value[]> sourceRows(Statement.Insert insert, TableDescriptor table, int[] targets) {
        List<Value[]> out = new ArrayList<>();
        if (insert.query() != null) {
            if (insert.query().asOf() != null) {
                throw new SqlException(SqlState.FEATURE_NOT_SUPPORTED,
                        "AS OF SYSTEM TIME is only allowed on a top-level SELECT");
            }
            QueryPlanner.QueryPlan plan = planner.plan(insert.query());
            checkArity(plan.columns().size(), targets.length);
            for (int i = 0; i < targets.length; i++) {
                ColumnDescriptor c = table.columns().get(targets[i]);
                if (!Coercion.canAssign(plan.columns().get(i).type().family(), c.type().family())) {
                    throw new SqlException(SqlState.DATATYPE_MISMATCH, "value type " + plan.columns().get(i).type()
                            + " doesn't match type " + c.type() + " of column \"" + c.name() + "\"");
                }
            }
            for (List<Value> row : runner.run(plan)) {
                Value[] values = new Value[targets.length];
                for (int i = 0; i < targets.length; i++) {
                    ColumnDescriptor c = table.columns().get(targets[i]);
                    values[i] = Coercion.assign(row.get(i), c.type(), c.name());
                }
                out.add(values);
            }
            return out;
        }
        Binder binder = Binder.plain(Scope.EMPTY, now, "VALUES");
        for (List<Expr> row : insert.rows()) {
            checkArity(row.size(), targets.length);
            Value[] values = new Value[targets.length];
            for (int i = 0; i < targets.length; i++) {
                ColumnDescriptor c = table.columns().get(targets[i]);
                BoundExpr e = binder.bindAssignment(row.get(i), c.type(), c.name());
                values[i] = Coercion.assign(e.eval(new Value[0]), c.type(), c.name());
            }
            out.add(values);
        }
        return out;
    }

    private static void checkArity(int expressions, int targets) {
        if (expressions > targets) {
            throw new SqlException(SqlState.SYNTAX_ERROR, "INSERT has more expressions than target columns");
        }
        if (expressions < targets) {
            throw new SqlException(SqlState.SYNTAX_ERROR, "INSERT has more target columns than expressions");
        }
    }

    /** Each column's DEFAULT, bound (null when there is none). */
    List<BoundExpr> defaults(TableDescriptor table) {
        List<BoundExpr> out = new ArrayList<>();
        Binder binder = Binder.plain(Scope.EMPTY, now.withoutParameters(), "DEFAULT");
        for (ColumnDescriptor c : table.columns()) {
            out.add(c.defaultSql() == null ? null
                    : binder.bindAssignment(StatementParser.parseExpression(c.defaultSql()), c.type(), c.name()));
        }
        return out;
    }

    private static int hiddenRowIdPosition(TableDescriptor table) {
        for (int i = 0; i < table.columns().size(); i++) {
            if (table.columns().get(i).hidden()) {
                return i;
            }
        }
        return -1;
    }

    // ---- UPDATE ----

    Result update(Statement.Update update) {
        TableDescriptor table = catalog.table(update.table());
        Scope scope = QueryPlanner.tableScope(table, table.name());
        List<int[]> positions = new ArrayList<>();
        List<BoundExpr> values = new ArrayList<>();
        bindAssignments(table, update.assignments(), scope, positions, values);
        Returning returning = returning(update.returning(), scope);
        QueryPlanner.FromPlan from = planner.planFrom(List.of(new FromItem(table.name(), null, null)), update.where(), false);
        List<Value[]> rows = runner.rows(from, -1);
        for (Value[] old : rows) {
            Value[] updated = apply(table, old, old, positions, values);
            replace(table, old, updated);
            returning.add(updated);
        }
        return returning.result(rows.size(), "UPDATE " + rows.size());
    }

    private void bindAssignments(TableDescriptor table, List<Assignment> assignments, Scope scope,
                                 List<int[]> positions, List<BoundExpr> values) {
        Set<String> seen = new HashSet<>();
        Binder binder = Binder.plain(scope, now, "UPDATE");
        for (Assignment a : assignments) {
            if (!seen.add(a.column())) {
                throw new SqlException(SqlState.SYNTAX_ERROR, "multiple assignments to the same column \"" + a.column() + "\"");
            }
            int p = table.requirePosition(a.column());
            ColumnDescriptor c = table.columns().get(p);
            positions.add(new int[] {p});
            values.add(binder.bindAssignment(a.value(), c.type(), c.name()));
        }
    }

    private Value[] apply(TableDescriptor table, Value[] old, Value[] input, List<int[]> positions, List<BoundExpr> values) {
        Value[] updated = old.clone();
        for (int i = 0; i < positions.size(); i++) {
            int p = positions.get(i)[0];
            ColumnDescriptor c = table.columns().get(p);
            updated[p] = Coercion.assign(values.get(i).eval(input), c.type(), c.name());
        }
        checkNotNull(table, updated);
        return updated;
    }

    /** Writes {@code updated} over {@code old}, checking the keys that change. */
    private void replace(TableDescriptor table, Value[] old, Value[] updated) {
        List<Value> oldPk = io.primaryKeyValues(table, old);
        TableIo.Conflict conflict = io.findConflict(table, updated, oldPk);
        if (conflict != null) {
            throw uniqueViolation(table, conflict.constraint(), updated);
        }
        io.update(table, old, updated);
    }

    // ---- DELETE ----

    Result delete(Statement.Delete delete) {
        TableDescriptor table = catalog.table(delete.table());
        Scope scope = QueryPlanner.tableScope(table, table.name());
        Returning returning = returning(delete.returning(), scope);
        QueryPlanner.FromPlan from = planner.planFrom(List.of(new FromItem(table.name(), null, null)), delete.where(), false);
        List<Value[]> rows = runner.rows(from, -1);
        for (Value[] row : rows) {
            io.delete(table, row);
            returning.add(row);
        }
        return returning.result(rows.size(), "DELETE " + rows.size());
    }

    // ---- shared ----

    private static void checkNotNull(TableDescriptor table, Value[] row) {
        for (int i = 0; i < row.length; i++) {
            ColumnDescriptor c = table.columns().get(i);
            if (row[i].isNull() && !c.nullable()) {
                throw new SqlException(SqlState.NOT_NULL_VIOLATION, "null value in column \"" + c.name()
                        + "\" of table \"" + table.name() + "\" violates not-null constraint");
            }
        }
    }

    private SqlException uniqueViolation(TableDescriptor table, String constraint, Value[] row) {
        var index = table.findIndex(constraint);
        String columns = index.columnIds().stream().map(id -> table.columns().get(table.positionOf(id)).name())
                .collect(Collectors.joining(", "));
        String values = Arrays.stream(table.positions(index)).mapToObj(p -> row[p].toString())
                .collect(Collectors.joining(", "));
        return new SqlException(SqlState.UNIQUE_VIOLATION, "duplicate key value violates unique constraint \""
                + constraint + "\": key (" + columns + ")=(" + values + ") already exists");
    }

    private static Value[] concat(Value[] a, Value[] b) {
        Value[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private Returning returning(List<SelectItem> items, Scope scope) {
        if (items.isEmpty()) {
            return new Returning(null, null);
        }
        List<SelectItem> expanded = QueryPlanner.expandStars(items, scope);
        Binder binder = Binder.plain(scope, now, "RETURNING");
        List<BoundExpr> exprs = new ArrayList<>();
        List<Column> columns = new ArrayList<>();
        for (SelectItem item : expanded) {
            BoundExpr e = binder.bindValue(item.expr());
            exprs.add(e);
            columns.add(new Column(QueryPlanner.columnName(item),
                    e.type().family() == SqlType.Family.UNKNOWN ? SqlType.STRING : e.type()));
        }
        return new Returning(exprs, columns);
    }

    /** RETURNING's projection over each affected row (nothing when the statement has none). */
    private static final class Returning {
        private final List<BoundExpr> exprs;
        private final List<Column> columns;
        private final List<List<Value>> rows = new ArrayList<>();

        Returning(List<BoundExpr> exprs, List<Column> columns) {
            this.exprs = exprs;
            this.columns = columns;
        }

        void add(Value[] row) {
            if (exprs != null) {
                List<Value> out = new ArrayList<>();
                for (BoundExpr e : exprs) {
                    out.add(e.eval(row));
                }
                rows.add(out);
            }
        }

        Result result(long count, String tag) {
            return exprs == null ? new Result(List.of(), List.of(), count, tag)
                    : new Result(columns, rows, count, tag);
        }
    }
}

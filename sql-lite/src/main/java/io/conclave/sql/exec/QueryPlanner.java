package io.conclave.sql.exec;

import io.conclave.sql.Column;
import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.SqlType;
import io.conclave.sql.SqlType.Family;
import io.conclave.sql.Value;
import io.conclave.sql.ast.Expr;
import io.conclave.sql.ast.SqlPrinter;
import io.conclave.sql.ast.Statement;
import io.conclave.sql.ast.Statement.FromItem;
import io.conclave.sql.ast.Statement.OrderItem;
import io.conclave.sql.ast.Statement.SelectItem;
import io.conclave.sql.catalog.CatalogView;
import io.conclave.sql.catalog.ColumnDescriptor;
import io.conclave.sql.catalog.IndexDescriptor;
import io.conclave.sql.catalog.TableDescriptor;
import io.conclave.sql.encoding.TableKeys;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Binds a SELECT (or the row source of UPDATE/DELETE) into a {@link QueryPlan}: the tables and
 * their chosen spans, the filters pushed to each table, hash-join keys, grouping, projection,
 * ordering and limits. Planning reads nothing but the catalog, so EXPLAIN shows exactly what
 * execution will do.
 */
final class QueryPlanner {
    private final CatalogView catalog;
    private final BindContext now;

    QueryPlanner(CatalogView catalog, BindContext now) {
        this.catalog = catalog;
        this.now = now;
    }

    // ---- FROM and WHERE ----

    FromPlan planFrom(List<FromItem> from, Expr where, boolean lock) {
        List<TableSource> sources = new ArrayList<>();
        Scope combined = Scope.EMPTY;
        Set<String> names = new HashSet<>();
        for (FromItem item : from) {
            TableDescriptor table = catalog.table(item.table());
            String alias = item.effectiveName();
            if (!names.add(alias)) {
                throw new SqlException("42712", "table name \"" + alias + "\" specified more than once");
            }
            Scope scope = tableScope(table, alias);
            sources.add(new TableSource(table, alias, scope, combined.size()));
            combined = combined.concat(scope);
        }
        List<Expr> conjuncts = new ArrayList<>();
        for (FromItem item : from) {
            if (item.on() != null) {
                splitAnd(item.on(), conjuncts);
            }
        }
        if (where != null) {
            splitAnd(where, conjuncts);
        }
        int n = Math.max(sources.size(), 1);
        List<List<BoundExpr>> local = new ArrayList<>();
        List<List<Expr>> localAst = new ArrayList<>();
        List<List<int[]>> joinKeys = new ArrayList<>();
        List<List<BoundExpr>> residual = new ArrayList<>();
        List<List<Expr>> residualAst = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            local.add(new ArrayList<>());
            localAst.add(new ArrayList<>());
            joinKeys.add(new ArrayList<>());
            residual.add(new ArrayList<>());
            residualAst.add(new ArrayList<>());
        }
        for (Expr conjunct : conjuncts) {
            BoundExpr bound = Binder.plain(combined, now, "WHERE").bindCondition(conjunct, "WHERE");
            BitSet columns = new BitSet();
            collectColumns(bound, columns);
            BitSet tables = new BitSet();
            for (int c = columns.nextSetBit(0); c >= 0; c = columns.nextSetBit(c + 1)) {
                tables.set(sourceOf(sources, c));
            }
            if (tables.cardinality() <= 1) {
                int t = tables.isEmpty() ? 0 : tables.nextSetBit(0);
                Scope scope = sources.isEmpty() ? Scope.EMPTY : sources.get(t).scope();
                local.get(t).add(Binder.plain(scope, now, "WHERE").bindCondition(conjunct, "WHERE"));
                localAst.get(t).add(conjunct);
                continue;
            }
            int last = tables.length() - 1;
            int[] key = joinKey(bound, sources, last);
            if (key != null) {
                joinKeys.get(last).add(key);
            } else {
                residual.get(last).add(bound);
            }
            residualAst.get(last).add(conjunct);
        }
        List<ScanPlan> scans = new ArrayList<>();
        for (int t = 0; t < sources.size(); t++) {
            TableSource source = sources.get(t);
            SpanPlanner.Choice choice = SpanPlanner.choose(source.table(), local.get(t));
            scans.add(new ScanPlan(source, choice, and(local.get(t)), localAst.get(t), lock, List.copyOf(local.get(t))));
        }
        BoundExpr constantFilter = sources.isEmpty() ? and(local.get(0)) : null;
        List<JoinStep> joins = new ArrayList<>();
        for (int t = 1; t < sources.size(); t++) {
            Lookup lookup = lock ? null : lookup(sources.get(t).table(), joinKeys.get(t));
            joins.add(new JoinStep(joinKeys.get(t), and(residual.get(t)), residualAst.get(t), lookup));
        }
        return new FromPlan(sources, scans, joins, combined, constantFilter);
    }

    /**
     * The index of the right table a lookup join reads: the primary index when the join keys fix
     * all its columns (one point read per left row), else the index with the longest prefix of
     * columns the keys fix (one prefix scan per left row); null when no index starts with a
     * join column.
     */
    private static Lookup lookup(TableDescriptor right, List<int[]> keys) {
        Lookup best = null;
        for (IndexDescriptor index : right.allIndexes()) {
            int[] columns = right.positions(index);
            List<Integer> left = new ArrayList<>();
            for (int column : columns) {
                int supplier = -1;
                for (int[] key : keys) {
                    if (key[1] == column) {
                        supplier = key[0];
                    }
                }
                if (supplier < 0) {
                    break;
                }
                left.add(supplier);
            }
            boolean point = index.id() == TableKeys.PRIMARY_INDEX_ID && left.size() == columns.length;
            if (point) {
                return new Lookup(index, left.stream().mapToInt(Integer::intValue).toArray(), true);
            }
            if (!left.isEmpty() && (best == null || left.size() > best.leftPositions().length)) {
                best = new Lookup(index, left.stream().mapToInt(Integer::intValue).toArray(), false);
            }
        }
        return best;
    }

    static Scope tableScope(TableDescriptor table, String alias) {
        List<Scope.Column> columns = new ArrayList<>();
        for (ColumnDescriptor c : table.columns()) {
            columns.add(new Scope.Column(alias, c.name(), c.type(), c.hidden()));
        }
        return new Scope(columns);
    }

    private static int sourceOf(List<TableSource> sources, int column) {
        for (int t = sources.size() - 1; t >= 0; t--) {
            if (column >= sources.get(t).offset()) {
                return t;
            }
        }
        throw new IllegalStateException("column " + column + " belongs to no table");
    }

    /** {@code [leftCombinedPosition, rightLocalPosition]} for {@code a.x = b.y} joining table {@code last}. */
    private static int[] joinKey(BoundExpr bound, List<TableSource> sources, int last) {
        if (!(bound instanceof BoundExpr.Compare cmp) || !cmp.op().equals("=")
                || !(cmp.left() instanceof BoundExpr.ColumnRef l) || !(cmp.right() instanceof BoundExpr.ColumnRef r)
                || l.type().family() != r.type().family()) {
            return null;
        }
        int lt = sourceOf(sources, l.index());
        int rt = sourceOf(sources, r.index());
        if (lt == last && rt < last) {
            return new int[] {r.index(), l.index() - sources.get(last).offset()};
        }
        if (rt == last && lt < last) {
            return new int[] {l.index(), r.index() - sources.get(last).offset()};
        }
        return null;
    }

    static void splitAnd(Expr e, List<Expr> out) {
        if (e instanceof Expr.Binary b && b.op().equals("AND")) {
            splitAnd(b.left(), out);
            splitAnd(b.right(), out);
        } else {
            out.add(e);
        }
    }

    static BoundExpr and(List<BoundExpr> conjuncts) {
        BoundExpr out = null;
        for (BoundExpr c : conjuncts) {
            out = out == null ? c : new BoundExpr.And(out, c);
        }
        return out;
    }

    static void collectColumns(BoundExpr e, BitSet out) {
        if (e instanceof BoundExpr.ColumnRef ref) {
            out.set(ref.index());
        } else if (e instanceof BoundExpr.Not n) {
            collectColumns(n.operand(), out);
        } else if (e instanceof BoundExpr.And a) {
            collectColumns(a.left(), out);
            collectColumns(a.right(), out);
        } else if (e instanceof BoundExpr.Or o) {
            collectColumns(o.left(), out);
            collectColumns(o.right(), out);
        } else if (e instanceof BoundExpr.Compare c) {
            collectColumns(c.left(), out);
            collectColumns(c.right(), out);
        } else if (e instanceof BoundExpr.IsNull n) {
            collectColumns(n.operand(), out);
        } else if (e instanceof BoundExpr.In in) {
            collectColumns(in.operand(), out);
            in.items().forEach(i -> collectColumns(i, out));
        } else if (e instanceof BoundExpr.Like l) {
            collectColumns(l.operand(), out);
            collectColumns(l.pattern(), out);
        } else if (e instanceof BoundExpr.Arithmetic a) {
            collectColumns(a.left(), out);
            collectColumns(a.right(), out);
        } else if (e instanceof BoundExpr.Negate n) {
            collectColumns(n.operand(), out);
        } else if (e instanceof BoundExpr.Concat c) {
            collectColumns(c.left(), out);
            collectColumns(c.right(), out);
        } else if (e instanceof BoundExpr.Cast c) {
            collectColumns(c.operand(), out);
        } else if (e instanceof BoundExpr.Function f) {
            f.args().forEach(a -> collectColumns(a, out));
        }
    }

    // ---- SELECT ----

    QueryPlan plan(Statement.Select select) {
        FromPlan from = planFrom(select.from(), select.where(), select.forUpdate());
        Scope input = from.scope();
        List<SelectItem> items = expandStars(select.items(), input);

        List<Expr> groupExprs = new ArrayList<>();
        for (Expr g : select.groupBy()) {
            groupExprs.add(resolveOrdinal(g, items, "GROUP BY"));
        }
        List<Expr.FunctionCall> aggregateCalls = new ArrayList<>();
        for (SelectItem item : items) {
            collectAggregates(item.expr(), aggregateCalls, false);
        }
        if (select.having() != null) {
            collectAggregates(select.having(), aggregateCalls, false);
        }
        for (OrderItem o : select.orderBy()) {
            collectAggregates(o.expr(), aggregateCalls, false);
        }
        boolean aggregate = !groupExprs.isEmpty() || !aggregateCalls.isEmpty() || select.having() != null;

        Binder rowBinder = Binder.plain(input, now, null);
        Aggregate agg = null;
        Binder outputBinder = rowBinder;
        if (aggregate) {
            List<BoundExpr> groupBound = new ArrayList<>();
            int[] groupPositions = new int[groupExprs.size()];
            List<SqlType> groupTypes = new ArrayList<>();
            for (int i = 0; i < groupExprs.size(); i++) {
                BoundExpr g = Binder.plain(input, now, "GROUP BY").bindValue(groupExprs.get(i));
                groupBound.add(g);
                groupPositions[i] = g instanceof BoundExpr.ColumnRef ref ? ref.index() : -1;
                groupTypes.add(g.type());
            }
            List<Accumulator.Spec> specs = new ArrayList<>();
            List<SqlType> aggTypes = new ArrayList<>();
            for (Expr.FunctionCall call : aggregateCalls) {
                Accumulator.Spec spec = aggregateSpec(call, input);
                specs.add(spec);
                aggTypes.add(spec.type());
            }
            Binder.Aggregation aggregation = new Binder.Aggregation(input, groupExprs, groupPositions,
                    groupTypes, aggregateCalls, aggTypes);
            outputBinder = new Binder(Scope.EMPTY, now, aggregation, null);
            BoundExpr having = select.having() == null ? null
                    : outputBinder.bindCondition(select.having(), "HAVING");
            agg = new Aggregate(groupBound, specs, having, groupExprs, aggregateCalls);
        }

        List<BoundExpr> outputs = new ArrayList<>();
        List<Column> columns = new ArrayList<>();
        for (SelectItem item : items) {
            BoundExpr out = outputBinder.bindValue(item.expr());
            outputs.add(out);
            SqlType type = out.type().family() == Family.UNKNOWN ? SqlType.STRING : out.type();
            columns.add(new Column(columnName(item), type));
        }

        List<SortKey> sort = new ArrayList<>();
        for (OrderItem o : select.orderBy()) {
            int output = outputIndex(o.expr(), items, columns);
            if (output >= 0) {
                sort.add(new SortKey(output, null, o.descending(), SqlPrinter.print(items.get(output).expr())));
            } else {
                sort.add(new SortKey(-1, outputBinder.bindValue(o.expr()), o.descending(), SqlPrinter.print(o.expr())));
            }
        }
        long limit = select.limit() == null ? -1 : constantCount(select.limit(), "LIMIT");
        long offset = select.offset() == null ? 0 : constantCount(select.offset(), "OFFSET");
        boolean scanOrdered = agg == null && !select.distinct() && inPrimaryKeyOrder(from, sort, outputs);
        return new QueryPlan(from, agg, outputs, columns, sort, scanOrdered, select.distinct(), limit, offset);
    }

    private Accumulator.Spec aggregateSpec(Expr.FunctionCall call, Scope input) {
        if (call.star()) {
            if (!call.name().equals("count")) {
                throw new SqlException(SqlState.SYNTAX_ERROR, call.name() + "(*) is not valid; only count(*)");
            }
            return new Accumulator.Spec("count", null, false, SqlType.INT);
        }
        if (call.args().size() != 1) {
            throw new SqlException(SqlState.UNDEFINED_FUNCTION, call.name() + "() takes one argument, got "
                    + call.args().size());
        }
        BoundExpr arg = Binder.settle(Binder.plain(input, now, "aggregate arguments").bind(call.args().get(0)));
        return new Accumulator.Spec(call.name(), arg, call.distinct(), Binder.aggregateType(call.name(), arg.type()));
    }

    private static void collectAggregates(Expr e, List<Expr.FunctionCall> out, boolean inside) {
        if (e instanceof Expr.FunctionCall f) {
            boolean isAggregate = Binder.AGGREGATES.contains(f.name());
            if (isAggregate && inside) {
                throw new SqlException(SqlState.GROUPING_ERROR, "aggregate function calls cannot be nested");
            }
            if (isAggregate && !out.contains(f)) {
                out.add(f);
            }
            for (Expr arg : f.args()) {
                collectAggregates(arg, out, inside || isAggregate);
            }
        } else if (e instanceof Expr.Unary u) {
            collectAggregates(u.operand(), out, inside);
        } else if (e instanceof Expr.Binary b) {
            collectAggregates(b.left(), out, inside);
            collectAggregates(b.right(), out, inside);
        } else if (e instanceof Expr.Between b) {
            collectAggregates(b.value(), out, inside);
            collectAggregates(b.low(), out, inside);
            collectAggregates(b.high(), out, inside);
        } else if (e instanceof Expr.InList in) {
            collectAggregates(in.value(), out, inside);
            in.items().forEach(i -> collectAggregates(i, out, inside));
        } else if (e instanceof Expr.Like l) {
            collectAggregates(l.value(), out, inside);
            collectAggregates(l.pattern(), out, inside);
        } else if (e instanceof Expr.IsNull n) {
            collectAggregates(n.value(), out, inside);
        } else if (e instanceof Expr.Cast c) {
            collectAggregates(c.value(), out, inside);
        }
    }

    /** {@code *} and {@code t.*} become the visible columns they stand for. */
    static List<SelectItem> expandStars(List<SelectItem> items, Scope scope) {
        List<SelectItem> out = new ArrayList<>();
        for (SelectItem item : items) {
            if (!item.star()) {
                out.add(item);
                continue;
            }
            if (item.starTable() != null && !scope.hasTable(item.starTable())) {
                throw new SqlException(SqlState.UNDEFINED_TABLE,
                        "missing FROM-clause entry for table \"" + item.starTable() + "\"");
            }
            boolean any = false;
            for (Scope.Column c : scope.columns()) {
                if (!c.hidden() && (item.starTable() == null || c.table().equals(item.starTable()))) {
                    out.add(new SelectItem(new Expr.ColumnRef(c.table(), c.name()), c.name(), false, null));
                    any = true;
                }
            }
            if (!any && scope.size() == 0) {
                throw new SqlException(SqlState.SYNTAX_ERROR, "SELECT * with no tables specified is not valid");
            }
        }
        return out;
    }

    private static Expr resolveOrdinal(Expr e, List<SelectItem> items, String clause) {
        if (e instanceof Expr.Literal lit && !lit.value().isNull() && lit.value().family() == Family.INT) {
            long k = lit.value().asLong();
            if (k < 1 || k > items.size()) {
                throw new SqlException(SqlState.INVALID_COLUMN_REFERENCE,
                        clause + " position " + k + " is not in select list");
            }
            return items.get((int) k - 1).expr();
        }
        return e;
    }

    private static int outputIndex(Expr e, List<SelectItem> items, List<Column> columns) {
        if (e instanceof Expr.Literal lit && !lit.value().isNull() && lit.value().family() == Family.INT) {
            long k = lit.value().asLong();
            if (k < 1 || k > items.size()) {
                throw new SqlException(SqlState.INVALID_COLUMN_REFERENCE,
                        "ORDER BY position " + k + " is not in select list");
            }
            return (int) k - 1;
        }
        if (e instanceof Expr.ColumnRef ref && ref.table() == null) {
            int found = -1;
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i).alias() != null && items.get(i).alias().equals(ref.column())) {
                    if (found >= 0 && !items.get(found).expr().equals(items.get(i).expr())) {
                        throw new SqlException(SqlState.AMBIGUOUS_COLUMN,
                                "ORDER BY \"" + ref.column() + "\" is ambiguous");
                    }
                    found = i;
                }
            }
            return found;
        }
        return -1;
    }

    static String columnName(SelectItem item) {
        if (item.alias() != null) {
            return item.alias();
        }
        return derivedName(item.expr());
    }

    private static String derivedName(Expr e) {
        if (e instanceof Expr.ColumnRef ref) {
            return ref.column();
        }
        if (e instanceof Expr.FunctionCall f) {
            return f.name();
        }
        if (e instanceof Expr.Cast c && (c.value() instanceof Expr.ColumnRef || c.value() instanceof Expr.FunctionCall)) {
            return derivedName(c.value());
        }
        return "?column?";
    }

    private long constantCount(Expr e, String clause) {
        BoundExpr b = Binder.plain(Scope.EMPTY, now, clause).bind(e);
        if (!b.isConstant()) {
            throw new SqlException(SqlState.SYNTAX_ERROR, clause + " must be a constant");
        }
        Value v = b.eval(new Value[0]);
        if (v.isNull()) {
            return clause.equals("LIMIT") ? -1 : 0;
        }
        v = Coercion.cast(v, SqlType.INT);
        if (v.asLong() < 0) {
            throw new SqlException(SqlState.INVALID_PARAMETER_VALUE, clause + " must not be negative");
        }
        return v.asLong();
    }

    // ---- plan records ----

    record TableSource(TableDescriptor table, String alias, Scope scope, int offset) {}

    /** {@code filterParts} are the conjuncts of {@code filter}, one per {@code filterAst} entry. */
    record ScanPlan(TableSource source, SpanPlanner.Choice choice, BoundExpr filter, List<Expr> filterAst,
                    boolean lock, List<BoundExpr> filterParts) {}

    /**
     * Joins table i (i >= 1) to the rows so far: join keys, then the residual filter.
     * {@code lookup} (or null) allows a lookup join instead of a scan of the whole right table.
     */
    record JoinStep(List<int[]> keys, BoundExpr residual, List<Expr> residualAst, Lookup lookup) {}

    /**
     * A lookup join's reads: for each left row, the values at {@code leftPositions} are a prefix
     * of {@code index}'s columns; {@code point} when they are the whole primary key.
     */
    record Lookup(IndexDescriptor index, int[] leftPositions, boolean point) {}

    record FromPlan(List<TableSource> sources, List<ScanPlan> scans, List<JoinStep> joins, Scope scope,
                    BoundExpr constantFilter) {}

    record Aggregate(List<BoundExpr> groups, List<Accumulator.Spec> aggregates, BoundExpr having,
                     List<Expr> groupAst, List<Expr.FunctionCall> aggregateAst) {}

    /** Sort by output column {@code output}, or by {@code expr} over the row before projection. */
    record SortKey(int output, BoundExpr expr, boolean descending, String text) {}

    /**
     * {@code scanOrdered}: the one table's scan already delivers its rows in {@code sort}'s order
     * (see {@link #inPrimaryKeyOrder}), so nothing is sorted and a LIMIT stops the scan early.
     */
    record QueryPlan(FromPlan from, Aggregate aggregate, List<BoundExpr> outputs, List<Column> columns,
                     List<SortKey> sort, boolean scanOrdered, boolean distinct, long limit, long offset) {
        boolean needsSort() {
            return !sort.isEmpty() && !scanOrdered;
        }

        /** Whether rows stop being read once offset + limit are in hand. */
        boolean streamsLimit() {
            return aggregate == null && !needsSort() && !distinct && limit >= 0;
        }
    }

    /**
     * Whether the scan of a single table returns its rows in {@code sort}'s order already: the
     * sort is ascending on a prefix of the primary key, the scan reads the primary index, and its
     * spans come in ascending key order. Rows (the transaction's own writes merged in) come in
     * key order, and the key encoding orders INT and STRING values as SQL compares them (strings
     * by code point, as UTF-8 bytes order); other key types keep the explicit sort.
     */
    private static boolean inPrimaryKeyOrder(FromPlan from, List<SortKey> sort, List<BoundExpr> outputs) {
        if (sort.isEmpty() || from.sources().size() != 1) {
            return false;
        }
        ScanPlan scan = from.scans().get(0);
        if (scan.choice().index().id() != TableKeys.PRIMARY_INDEX_ID || !ascending(scan.choice().spans())) {
            return false;
        }
        int[] primaryKey = scan.source().table().primaryKeyPositions();
        if (sort.size() > primaryKey.length) {
            return false;
        }
        for (int i = 0; i < sort.size(); i++) {
            SortKey key = sort.get(i);
            BoundExpr e = key.output() >= 0 ? outputs.get(key.output()) : key.expr();
            if (key.descending() || !(e instanceof BoundExpr.ColumnRef ref)
                    || ref.index() != scan.source().offset() + primaryKey[i]
                    || (ref.type().family() != Family.INT && ref.type().family() != Family.STRING)) {
                return false;
            }
        }
        return true;
    }

    /** Whether each span starts at or after the end of the one before it. */
    private static boolean ascending(List<Span> spans) {
        for (int i = 1; i < spans.size(); i++) {
            Span before = spans.get(i - 1);
            byte[] beforeEnd = before.point() ? before.start() : before.end();
            int c = java.util.Arrays.compareUnsigned(spans.get(i).start(), beforeEnd);
            if (before.point() ? c <= 0 : c < 0) {
                return false;
            }
        }
        return true;
    }
}

package io.conclave.sql.exec;

import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.Value;
import io.conclave.sql.catalog.TableDescriptor;
import io.conclave.sql.encoding.KeyEncoding;
import io.conclave.sql.encoding.TableKeys;
import io.conclave.sql.exec.QueryPlanner.FromPlan;
import io.conclave.sql.exec.QueryPlanner.JoinStep;
import io.conclave.sql.exec.QueryPlanner.QueryPlan;
import io.conclave.sql.exec.QueryPlanner.ScanPlan;
import io.conclave.sql.exec.QueryPlanner.SortKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link QueryPlan}: scans each table's spans with its pushed-down filter, hash-joins
 * left to right on the equality keys (a cross product when there are none), groups, projects,
 * de-duplicates, sorts (NULL first ascending, as the key encoding orders it) and applies
 * OFFSET/LIMIT. Everything is materialised, bounded by {@link TableIo#MAX_ROWS_READ_PER_STATEMENT}
 * and {@link #MAX_JOIN_ROWS}.
 */
final class QueryRunner {
    /** Most rows a join may produce (a cross product grows fast); beyond it the query fails 54000. */
    static final long MAX_JOIN_ROWS = 1_000_000;
    /**
     * Most left rows a lookup join serves with one point read each; above it a scan of the
     * right table and a hash join is cheaper (one pass instead of that many round trips).
     */
    static final int MAX_LOOKUP_JOIN_ROWS = 10_000;

    private final TableIo io;
    private final Deadline deadline;
    /** Whether filters and projections may be evaluated at the ranges (the store must support it). */
    private boolean pushdown;

    QueryRunner(TableIo io, Deadline deadline) {
        this.io = io;
        this.deadline = deadline;
    }

    void setPushdown(boolean on) {
        pushdown = on;
    }

    boolean pushdown() {
        return pushdown;
    }

    /** The rows of FROM after WHERE, in the combined scope, every column; {@code stopAfter} < 0 for all. */
    List<Value[]> rows(FromPlan from, long stopAfter) {
        return rows(from, stopAfter, null);
    }

    /**
     * As above; {@code needed} (or null for all) holds, per source, the table positions the
     * statement reads: the others may come back NULL.
     */
    List<Value[]> rows(FromPlan from, long stopAfter, BitSet[] needed) {
        if (from.sources().isEmpty()) {
            List<Value[]> one = new ArrayList<>();
            Value[] empty = new Value[0];
            if (from.constantFilter() == null || isTrue(from.constantFilter().eval(empty))) {
                one.add(empty);
            }
            return one;
        }
        long firstStop = from.sources().size() == 1 ? stopAfter : -1;
        List<Value[]> rows = scan(from.scans().get(0), firstStop, needed == null ? null : needed[0]);
        for (int t = 1; t < from.sources().size(); t++) {
            JoinStep step = from.joins().get(t - 1);
            if (step.lookup() != null && rows.size() <= MAX_LOOKUP_JOIN_ROWS) {
                rows = lookupJoin(rows, from.scans().get(t), step);
            } else {
                List<Value[]> right = scan(from.scans().get(t), -1, needed == null ? null : needed[t]);
                rows = join(rows, right, step, deadline);
            }
        }
        return rows;
    }

    /**
     * How {@code scan} reads its ranges: which conjuncts and columns go to the ranges (primary
     * index, no locking, pushdown on), how many ranges at once, and how many rows to ask for.
     */
    ReadDecision readDecision(ScanPlan scan, long stopAfter, BitSet needed) {
        TableDescriptor table = scan.source().table();
        boolean canPush = pushdown && scan.choice().index().id() == TableKeys.PRIMARY_INDEX_ID && !scan.lock();
        List<Integer> pushed = new ArrayList<>();
        List<BoundExpr> pushedParts = new ArrayList<>();
        if (canPush) {
            for (int i = 0; i < scan.filterParts().size(); i++) {
                if (FilterCodec.pushable(scan.filterParts().get(i))) {
                    pushed.add(i);
                    pushedParts.add(scan.filterParts().get(i));
                }
            }
        }
        BitSet keep = canPush && needed != null && needed.cardinality() < table.columns().size() ? needed : null;
        byte[] spec = null;
        if (!pushedParts.isEmpty() || keep != null) {
            spec = RowFilters.spec(table, QueryPlanner.and(pushedParts), keep);
            if (spec == null) {
                pushed.clear();
                keep = null;
            }
        }
        boolean gatewayFilters = scan.filter() != null && pushed.size() < scan.filterParts().size();
        int parallelism = TableIo.SCAN_PARALLELISM;
        int rowsWanted = 0;
        if (stopAfter >= 0) {
            // A fan-out would read up to `parallelism` times the rows a LIMIT needs: range by range.
            parallelism = 1;
            if (!gatewayFilters) {
                // Every row that arrives counts: ask for no more than are still wanted.
                rowsWanted = (int) Math.max(1, Math.min(Integer.MAX_VALUE, stopAfter));
            }
        }
        return new ReadDecision(new TableIo.ReadPlan(parallelism, rowsWanted, spec), pushed, keep);
    }

    private static boolean allPoints(List<Span> spans) {
        for (Span span : spans) {
            if (!span.point()) {
                return false;
            }
        }
        return true;
    }

    /** A scan's {@link TableIo.ReadPlan}, with the indexes of the pushed conjuncts and the projected positions (null: all). */
    record ReadDecision(TableIo.ReadPlan plan, List<Integer> pushedConjuncts, BitSet projection) {}

    List<Value[]> scan(ScanPlan scan, long stopAfter, BitSet needed) {
        List<Value[]> out = new ArrayList<>();
        BoundExpr filter = scan.filter();
        // Point lookups are gets, which carry no filter: the pushdown specification (the whole
        // descriptor encoded) would be built for nothing, a fifth of a point read's SQL time.
        TableIo.ReadPlan plan = allPoints(scan.choice().spans()) ? TableIo.ReadPlan.ALL
                : readDecision(scan, stopAfter, needed).plan();
        io.scan(scan.source().table(), scan.choice().index(), scan.choice().spans(), scan.lock(), plan, row -> {
            if (filter == null || isTrue(filter.eval(row))) {
                out.add(row);
            }
            return stopAfter < 0 || out.size() < stopAfter;
        });
        return out;
    }

    /**
     * For each left row, the right rows whose index prefix equals the row's join values: a point
     * read for a full primary key, else a prefix scan. Left rows with a NULL key match nothing;
     * repeated keys are read once.
     */
    private List<Value[]> lookupJoin(List<Value[]> left, ScanPlan right, JoinStep step) {
        QueryPlanner.Lookup lookup = step.lookup();
        TableDescriptor table = right.source().table();
        List<Value[]> out = new ArrayList<>();
        Map<List<Value>, List<Value[]>> fetched = new HashMap<>();
        for (Value[] l : left) {
            List<Value> prefix = new ArrayList<>();
            boolean hasNull = false;
            for (int p : lookup.leftPositions()) {
                hasNull |= l[p].isNull();
                prefix.add(l[p]);
            }
            if (hasNull) {
                continue;
            }
            List<Value[]> matches = fetched.computeIfAbsent(prefix, key -> {
                byte[] start = TableKeys.key(table.id(), lookup.index().id(), key);
                Span span = new Span(start, KeyEncoding.prefixEnd(start), lookup.point());
                List<Value[]> rows = new ArrayList<>();
                io.scan(table, lookup.index(), List.of(span), false, row -> {
                    if (right.filter() == null || isTrue(right.filter().eval(row))) {
                        rows.add(row);
                    }
                    return true;
                });
                return rows;
            });
            for (Value[] r : matches) {
                addJoined(out, l, r, step);
                if (out.size() > MAX_JOIN_ROWS) {
                    throw tooManyJoinRows();
                }
            }
        }
        return out;
    }

    private static List<Value[]> join(List<Value[]> left, List<Value[]> right, JoinStep step, Deadline deadline) {
        List<Value[]> out = new ArrayList<>();
        if (step.keys().isEmpty()) {
            if ((long) left.size() * right.size() > MAX_JOIN_ROWS) {
                throw tooManyJoinRows();
            }
            for (Value[] l : left) {
                deadline.check();
                for (Value[] r : right) {
                    addJoined(out, l, r, step);
                }
            }
            return out;
        }
        Map<List<Value>, List<Value[]>> table = new HashMap<>();
        for (Value[] r : right) {
            List<Value> key = new ArrayList<>();
            boolean hasNull = false;
            for (int[] k : step.keys()) {
                Value v = r[k[1]];
                hasNull |= v.isNull();
                key.add(v);
            }
            if (!hasNull) {
                table.computeIfAbsent(key, x -> new ArrayList<>()).add(r);
            }
        }
        int probes = 0;
        for (Value[] l : left) {
            if (++probes % Deadline.ROWS_PER_CHECK == 0) {
                deadline.check();
            }
            List<Value> key = new ArrayList<>();
            for (int[] k : step.keys()) {
                key.add(l[k[0]]);
            }
            for (Value[] r : table.getOrDefault(key, List.of())) {
                addJoined(out, l, r, step);
                if (out.size() > MAX_JOIN_ROWS) {
                    throw tooManyJoinRows();
                }
            }
        }
        return out;
    }

    private static void addJoined(List<Value[]> out, Value[] l, Value[] r, JoinStep step) {
        Value[] joined = Arrays.copyOf(l, l.length + r.length);
        System.arraycopy(r, 0, joined, l.length, r.length);
        if (step.residual() == null || isTrue(step.residual().eval(joined))) {
            out.add(joined);
        }
    }

    private static SqlException tooManyJoinRows() {
        return new SqlException(SqlState.PROGRAM_LIMIT_EXCEEDED, "join produces more than " + MAX_JOIN_ROWS
                + " rows (QueryRunner.MAX_JOIN_ROWS); add an equality condition between the tables");
    }

    static boolean isTrue(Value v) {
        return !v.isNull() && v.asBool();
    }

    /** Runs the whole query; the rows of the result. */
    List<List<Value>> run(QueryPlan plan) {
        boolean streamLimit = plan.streamsLimit();
        List<Value[]> rows = rows(plan.from(), streamLimit ? plan.offset() + plan.limit() : -1, neededColumns(plan));
        if (plan.aggregate() != null) {
            rows = aggregate(rows, plan.aggregate());
        }
        List<List<Value>> outputs = new ArrayList<>(rows.size());
        List<Value[]> keys = new ArrayList<>(rows.size());
        Map<List<Value>, Boolean> seen = plan.distinct() ? new LinkedHashMap<>() : null;
        for (Value[] row : rows) {
            List<Value> output = new ArrayList<>(plan.outputs().size());
            for (BoundExpr e : plan.outputs()) {
                output.add(e.eval(row));
            }
            if (seen != null && seen.putIfAbsent(output, Boolean.TRUE) != null) {
                continue;
            }
            Value[] key = new Value[plan.sort().size()];
            for (int i = 0; i < key.length; i++) {
                SortKey s = plan.sort().get(i);
                key[i] = s.output() >= 0 ? output.get(s.output()) : s.expr().eval(row);
            }
            outputs.add(output);
            keys.add(key);
        }
        if (plan.needsSort()) {
            Integer[] order = new Integer[outputs.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Comparator<Integer> byKeys = (a, b) -> {
                for (int i = 0; i < plan.sort().size(); i++) {
                    int c = keys.get(a)[i].compareTo(keys.get(b)[i]);
                    if (c != 0) {
                        return plan.sort().get(i).descending() ? -c : c;
                    }
                }
                return 0;
            };
            Arrays.sort(order, byKeys);
            List<List<Value>> sorted = new ArrayList<>(outputs.size());
            for (int i : order) {
                sorted.add(outputs.get(i));
            }
            outputs = sorted;
        }
        int from = (int) Math.min(plan.offset(), outputs.size());
        int to = plan.limit() < 0 ? outputs.size() : (int) Math.min(outputs.size(), from + plan.limit());
        return new ArrayList<>(outputs.subList(from, to));
    }

    /**
     * Per source, the table positions {@code plan} reads anywhere: outputs, sort keys, grouping,
     * aggregate arguments, join keys and conditions, filters. Expressions over grouped rows are
     * walked too, which can only add positions: a superset is safe, a missing column is not.
     */
    static BitSet[] neededColumns(QueryPlan plan) {
        FromPlan from = plan.from();
        BitSet combined = new BitSet();
        plan.outputs().forEach(e -> QueryPlanner.collectColumns(e, combined));
        for (SortKey k : plan.sort()) {
            if (k.expr() != null) {
                QueryPlanner.collectColumns(k.expr(), combined);
            }
        }
        if (plan.aggregate() != null) {
            plan.aggregate().groups().forEach(e -> QueryPlanner.collectColumns(e, combined));
            for (Accumulator.Spec a : plan.aggregate().aggregates()) {
                if (a.arg() != null) {
                    QueryPlanner.collectColumns(a.arg(), combined);
                }
            }
            if (plan.aggregate().having() != null) {
                QueryPlanner.collectColumns(plan.aggregate().having(), combined);
            }
        }
        for (int t = 1; t < from.sources().size(); t++) {
            JoinStep step = from.joins().get(t - 1);
            int offset = from.sources().get(t).offset();
            for (int[] k : step.keys()) {
                combined.set(k[0]);
                combined.set(offset + k[1]);
            }
            if (step.residual() != null) {
                QueryPlanner.collectColumns(step.residual(), combined);
            }
            if (step.lookup() != null) {
                for (int p : step.lookup().leftPositions()) {
                    combined.set(p);
                }
            }
        }
        BitSet[] out = new BitSet[from.sources().size()];
        for (int t = 0; t < out.length; t++) {
            QueryPlanner.TableSource source = from.sources().get(t);
            int width = source.table().columns().size();
            BitSet local = new BitSet();
            for (int p = combined.nextSetBit(source.offset()); p >= 0 && p < source.offset() + width;
                 p = combined.nextSetBit(p + 1)) {
                local.set(p - source.offset());
            }
            BoundExpr filter = from.scans().get(t).filter();
            if (filter != null) {
                QueryPlanner.collectColumns(filter, local);
            }
            out[t] = local;
        }
        return out;
    }

    private static List<Value[]> aggregate(List<Value[]> rows, QueryPlanner.Aggregate agg) {
        Map<List<Value>, Accumulator[]> groups = new LinkedHashMap<>();
        for (Value[] row : rows) {
            List<Value> key = new ArrayList<>(agg.groups().size());
            for (BoundExpr g : agg.groups()) {
                key.add(g.eval(row));
            }
            Accumulator[] accumulators = groups.computeIfAbsent(key, k -> newAccumulators(agg));
            for (Accumulator a : accumulators) {
                a.add(row);
            }
        }
        if (groups.isEmpty() && agg.groups().isEmpty()) {
            groups.put(List.of(), newAccumulators(agg));
        }
        List<Value[]> out = new ArrayList<>(groups.size());
        for (Map.Entry<List<Value>, Accumulator[]> group : groups.entrySet()) {
            Value[] row = new Value[agg.groups().size() + agg.aggregates().size()];
            for (int i = 0; i < agg.groups().size(); i++) {
                row[i] = group.getKey().get(i);
            }
            Accumulator[] accumulators = group.getValue();
            for (int i = 0; i < accumulators.length; i++) {
                row[agg.groups().size() + i] = accumulators[i].result();
            }
            if (agg.having() == null || isTrue(agg.having().eval(row))) {
                out.add(row);
            }
        }
        return out;
    }

    private static Accumulator[] newAccumulators(QueryPlanner.Aggregate agg) {
        Accumulator[] out = new Accumulator[agg.aggregates().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Accumulator(agg.aggregates().get(i));
        }
        return out;
    }
}

package io.conclave.sql.exec;

import io.conclave.sql.SqlType;
import io.conclave.sql.SqlType.Family;
import io.conclave.sql.Value;
import io.conclave.sql.catalog.IndexDescriptor;
import io.conclave.sql.catalog.TableDescriptor;
import io.conclave.sql.encoding.ByteSink;
import io.conclave.sql.encoding.KeyEncoding;
import io.conclave.sql.encoding.TableKeys;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Chooses the index and key spans for one table from its filter conjuncts (bound on the
 * table's own columns). For each index it takes equality (or IN) constraints on a prefix of the
 * index columns, then at most one range constraint on the next column, and scores the result;
 * the primary index wins ties because a secondary index costs an extra get per row.
 *
 * <p>Spans only narrow what is read: the whole filter is still applied to every row, so a
 * constraint the planner does not understand costs speed, never correctness.
 */
final class SpanPlanner {
    /** Most spans one scan fans out into (IN lists multiply); beyond it, fewer columns are used. */
    static final int MAX_SPANS = 256;

    record Choice(IndexDescriptor index, List<Span> spans, int equalityColumns, boolean range) {
        boolean fullScan() {
            return equalityColumns == 0 && !range;
        }
    }

    private SpanPlanner() {}

    static Choice choose(TableDescriptor table, List<BoundExpr> conjuncts) {
        Choice best = plan(table, table.primaryIndex(), conjuncts);
        for (IndexDescriptor index : table.secondaryIndexes()) {
            Choice candidate = plan(table, index, conjuncts);
            if (score(candidate) > score(best)) {
                best = candidate;
            }
        }
        return best;
    }

    private static int score(Choice c) {
        return c.equalityColumns() * 2 + (c.range() ? 1 : 0);
    }

    private static Choice plan(TableDescriptor table, IndexDescriptor index, List<BoundExpr> conjuncts) {
        byte[] indexPrefix = TableKeys.indexPrefix(table.id(), index.id());
        List<byte[]> prefixes = new ArrayList<>();
        prefixes.add(indexPrefix);
        int[] positions = table.positions(index);
        int equalities = 0;
        int column = 0;
        for (; column < positions.length; column++) {
            SqlType type = table.columns().get(positions[column]).type();
            List<Value> values = equalityValues(conjuncts, positions[column], type);
            if (values == null || prefixes.size() * values.size() > MAX_SPANS) {
                break;
            }
            List<byte[]> extended = new ArrayList<>();
            for (byte[] prefix : prefixes) {
                for (Value v : values) {
                    ByteSink out = new ByteSink(prefix);
                    KeyEncoding.encode(out, v);
                    extended.add(out.toByteArray());
                }
            }
            prefixes = extended;
            equalities++;
        }
        boolean pointLookup = index.id() == TableKeys.PRIMARY_INDEX_ID && equalities == positions.length;
        List<Span> spans = new ArrayList<>();
        if (pointLookup) {
            for (byte[] key : dedupe(prefixes)) {
                spans.add(new Span(key, KeyEncoding.prefixEnd(key), true));
            }
            return new Choice(index, spans, equalities, false);
        }
        byte[][] bounds = column < positions.length
                ? rangeBounds(conjuncts, positions[column], table.columns().get(positions[column]).type())
                : null;
        for (byte[] prefix : dedupe(prefixes)) {
            byte[] start = prefix;
            byte[] end = KeyEncoding.prefixEnd(prefix);
            if (bounds != null) {
                start = bounds[0] == null ? concat(prefix, new byte[] {0x01}) : concat(prefix, bounds[0]);
                end = bounds[1] == null ? end : concat(prefix, bounds[1]);
            }
            if (Arrays.compareUnsigned(start, end) < 0) {
                spans.add(new Span(start, end, false));
            }
        }
        return new Choice(index, spans, equalities, bounds != null);
    }

    private static List<byte[]> dedupe(List<byte[]> keys) {
        List<byte[]> out = new ArrayList<>();
        keys.sort(Arrays::compareUnsigned);
        for (byte[] k : keys) {
            if (out.isEmpty() || !Arrays.equals(out.get(out.size() - 1), k)) {
                out.add(k);
            }
        }
        return out;
    }

    /** Values the column must equal (from {@code col = c}, {@code col IN (...)}, {@code col IS NULL}). */
    private static List<Value> equalityValues(List<BoundExpr> conjuncts, int position, SqlType type) {
        for (BoundExpr c : conjuncts) {
            if (c instanceof BoundExpr.Compare cmp && cmp.op().equals("=")) {
                Value v = constantFor(cmp.left(), cmp.right(), position, type);
                if (v == null) {
                    v = constantFor(cmp.right(), cmp.left(), position, type);
                }
                if (v != null) {
                    return v.isNull() ? List.of() : List.of(v);
                }
            }
            if (c instanceof BoundExpr.In in && !in.negated() && isColumn(in.operand(), position)) {
                List<Value> values = new ArrayList<>();
                boolean usable = true;
                for (BoundExpr item : in.items()) {
                    Value v = item.isConstant() ? keyValue(item.eval(new Value[0]), type) : null;
                    if (v == null) {
                        usable = false;
                        break;
                    }
                    if (!v.isNull()) {
                        values.add(v);
                    }
                }
                if (usable) {
                    return values;
                }
            }
            if (c instanceof BoundExpr.IsNull isNull && !isNull.negated() && isColumn(isNull.operand(), position)) {
                return List.of(Value.NULL);
            }
            if (c instanceof BoundExpr.Or) {
                List<Value> values = new ArrayList<>();
                if (orOfEqualities(c, position, type, values)) {
                    return values;
                }
            }
        }
        return null;
    }

    /** {@code col = 1 OR col = 2 OR ...} on one column: collects the constants. */
    private static boolean orOfEqualities(BoundExpr e, int position, SqlType type, List<Value> out) {
        if (e instanceof BoundExpr.Or or) {
            return orOfEqualities(or.left(), position, type, out) && orOfEqualities(or.right(), position, type, out);
        }
        if (e instanceof BoundExpr.Compare cmp && cmp.op().equals("=")) {
            Value v = constantFor(cmp.left(), cmp.right(), position, type);
            if (v == null) {
                v = constantFor(cmp.right(), cmp.left(), position, type);
            }
            if (v != null && !v.isNull()) {
                out.add(v);
            }
            return v != null;
        }
        return false;
    }

    /** [start suffix or null, end suffix or null] for range constraints on the column, or null. */
    private static byte[][] rangeBounds(List<BoundExpr> conjuncts, int position, SqlType type) {
        byte[] start = null;
        byte[] end = null;
        boolean any = false;
        for (BoundExpr c : conjuncts) {
            if (!(c instanceof BoundExpr.Compare cmp) || cmp.op().equals("=") || cmp.op().equals("<>")) {
                continue;
            }
            String op = cmp.op();
            Value v = constantFor(cmp.left(), cmp.right(), position, type);
            if (v == null) {
                v = constantFor(cmp.right(), cmp.left(), position, type);
                op = flip(op);
            }
            if (v == null) {
                continue;
            }
            any = true;
            if (v.isNull()) {
                return new byte[][] {new byte[] {0x01}, new byte[] {0x01}};
            }
            byte[] encoded = KeyEncoding.encode(v);
            switch (op) {
                case ">" -> start = max(start, KeyEncoding.prefixEnd(encoded));
                case ">=" -> start = max(start, encoded);
                case "<" -> end = min(end, encoded);
                case "<=" -> end = min(end, KeyEncoding.prefixEnd(encoded));
                default -> throw new IllegalStateException(op);
            }
        }
        return any ? new byte[][] {start, end} : null;
    }

    private static String flip(String op) {
        return switch (op) {
            case "<" -> ">";
            case "<=" -> ">=";
            case ">" -> "<";
            case ">=" -> "<=";
            default -> op;
        };
    }

    private static byte[] max(byte[] a, byte[] b) {
        return a == null || Arrays.compareUnsigned(b, a) > 0 ? b : a;
    }

    private static byte[] min(byte[] a, byte[] b) {
        return a == null || Arrays.compareUnsigned(b, a) < 0 ? b : a;
    }

    private static Value constantFor(BoundExpr column, BoundExpr constant, int position, SqlType type) {
        if (!isColumn(column, position) || !constant.isConstant()) {
            return null;
        }
        return keyValue(constant.eval(new Value[0]), type);
    }

    private static boolean isColumn(BoundExpr e, int position) {
        return e instanceof BoundExpr.ColumnRef ref && ref.index() == position;
    }

    /** The constant as a value of the column's family, or null when it has no exact equivalent. */
    static Value keyValue(Value v, SqlType type) {
        if (v.isNull() || v.family() == type.family()) {
            return v;
        }
        Family f = type.family();
        if (v.family() == Family.INT && f == Family.FLOAT) {
            return Value.ofFloat(v.asLong());
        }
        if (v.family() == Family.INT && f == Family.DECIMAL) {
            return Value.ofDecimal(BigDecimal.valueOf(v.asLong()));
        }
        if (v.family() == Family.DECIMAL && f == Family.INT) {
            try {
                return Value.ofInt(v.asDecimal().longValueExact());
            } catch (ArithmeticException notWhole) {
                return null;
            }
        }
        return null;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

package io.conclave.sql.exec;

import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.SqlType;
import io.conclave.sql.SqlType.Family;
import io.conclave.sql.Value;
import io.conclave.sql.ast.Expr;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Resolves names against a {@link Scope} and checks types, turning {@link Expr} into
 * {@link BoundExpr}. An untyped string literal takes the type its context needs (and fails with
 * 22P02 if it does not parse as that type); elsewhere it is a STRING.
 *
 * <p>In aggregate mode ({@link Aggregation} given) the binder works on the output of grouping:
 * a grouping expression or an aggregate call becomes a reference to its slot, and any other
 * column reference is a 42803 error.
 */
final class Binder {
    static final Set<String> AGGREGATES = Set.of("count", "sum", "min", "max", "avg");

    /** Grouping: its expressions and aggregate calls, with the slots they fill. */
    record Aggregation(Scope input, List<Expr> groupExprs, int[] groupColumnPositions,
                       List<SqlType> groupTypes, List<Expr.FunctionCall> aggregates, List<SqlType> aggregateTypes) {}

    private final Scope scope;
    private final BindContext now;
    private final Aggregation aggregation;
    private final String clause;

    /** {@code clause} names where aggregates are refused ("WHERE"), or null when allowed. */
    Binder(Scope scope, BindContext now, Aggregation aggregation, String clause) {
        this.scope = scope;
        this.now = now;
        this.aggregation = aggregation;
        this.clause = clause;
    }

    static Binder plain(Scope scope, BindContext now, String clause) {
        return new Binder(scope, now, null, clause);
    }

    /** Binds and gives an untyped literal left at the top the type STRING. */
    BoundExpr bindValue(Expr e) {
        return settle(bind(e));
    }

    /** Binds a condition: its type must be BOOL (or NULL). */
    BoundExpr bindCondition(Expr e, String where) {
        BoundExpr b = bind(e);
        if (isUntypedString(b)) {
            b = castConst(b, SqlType.BOOL);
        }
        if (b.type().family() != Family.BOOL && b.type().family() != Family.UNKNOWN) {
            throw new SqlException(SqlState.DATATYPE_MISMATCH,
                    "argument of " + where + " must be type BOOL, not type " + b.type());
        }
        return b;
    }

    /** Binds a value for a column of type {@code target}, checking assignability. */
    BoundExpr bindAssignment(Expr e, SqlType target, String columnName) {
        BoundExpr b = bind(e);
        if (isUntypedString(b)) {
            return new BoundExpr.Const(Coercion.assign(Coercion.cast(((BoundExpr.Const) b).value(), SqlType.of(target.family())),
                    target, columnName), target);
        }
        if (!Coercion.canAssign(b.type().family(), target.family())) {
            throw new SqlException(SqlState.DATATYPE_MISMATCH, "value type " + b.type()
                    + " doesn't match type " + target + " of column \"" + columnName + "\"");
        }
        return b;
    }

    BoundExpr bind(Expr e) {
        if (aggregation != null) {
            BoundExpr slot = aggregateSlot(e);
            if (slot != null) {
                return slot;
            }
        }
        if (e instanceof Expr.Literal lit) {
            if (lit.value().isNull() || lit.untypedString()) {
                return new BoundExpr.Const(lit.value(), SqlType.UNKNOWN);
            }
            return new BoundExpr.Const(lit.value(), SqlType.of(lit.value().family()));
        }
        if (e instanceof Expr.Parameter parameter) {
            if (parameter.index() < 1 || parameter.index() > now.parameters().size()) {
                throw new SqlException("42P02", "there is no parameter $" + parameter.index()
                        + (now.parameters().isEmpty() ? "" : " (" + now.parameters().size() + " given)"));
            }
            Value v = now.parameters().get(parameter.index() - 1);
            // A text or NULL parameter is typed by its context, like a quoted literal.
            boolean untyped = v.isNull() || v.family() == Family.STRING;
            return new BoundExpr.Const(v, untyped ? SqlType.UNKNOWN : SqlType.of(v.family()));
        }
        if (e instanceof Expr.ColumnRef ref && ref.table() == null && ref.column().equals("current_timestamp")
                && scope.columns().stream().noneMatch(c -> c.name().equals("current_timestamp"))) {
            return new BoundExpr.Const(now.now(), SqlType.TIMESTAMP);
        }
        if (e instanceof Expr.ColumnRef ref) {
            int position = scope.resolve(ref.table(), ref.column());
            Scope.Column c = scope.columns().get(position);
            return new BoundExpr.ColumnRef(position, c.type(), c.name());
        }
        if (e instanceof Expr.Unary u) {
            BoundExpr operand = bind(u.operand());
            if (u.op().equals("NOT")) {
                return new BoundExpr.Not(requireBool(operand, "NOT"));
            }
            if (isUntypedString(operand)) {
                operand = castConst(operand, SqlType.DECIMAL);
            }
            if (operand.type().family() == Family.UNKNOWN) {
                return operand;
            }
            if (!operand.type().isNumeric()) {
                throw noOperator(u.op(), null, operand.type());
            }
            if (u.op().equals("+")) {
                return operand;
            }
            if (operand instanceof BoundExpr.Const c && !c.value().isNull()) {
                return new BoundExpr.Const(new BoundExpr.Negate(c, c.type()).eval(new Value[0]), c.type());
            }
            return new BoundExpr.Negate(operand, operand.type());
        }
        if (e instanceof Expr.Binary b) {
            return binary(b);
        }
        if (e instanceof Expr.Between b) {
            BoundExpr value = bind(b.value());
            BoundExpr[] low = unify(value, bind(b.low()), "BETWEEN");
            BoundExpr[] high = unify(value, bind(b.high()), "BETWEEN");
            BoundExpr both = new BoundExpr.And(new BoundExpr.Compare(">=", low[0], low[1]),
                    new BoundExpr.Compare("<=", high[0], high[1]));
            return b.negated() ? new BoundExpr.Not(both) : both;
        }
        if (e instanceof Expr.InList in) {
            BoundExpr value = bind(in.value());
            List<BoundExpr> items = new ArrayList<>();
            for (Expr item : in.items()) {
                BoundExpr[] pair = unify(value, bind(item), "IN");
                value = pair[0];
                items.add(pair[1]);
            }
            return new BoundExpr.In(value, items, in.negated());
        }
        if (e instanceof Expr.Like like) {
            BoundExpr value = toText(bind(like.value()), "LIKE");
            BoundExpr pattern = toText(bind(like.pattern()), "LIKE");
            return new BoundExpr.Like(value, pattern, like.negated());
        }
        if (e instanceof Expr.IsNull isNull) {
            return new BoundExpr.IsNull(bind(isNull.value()), isNull.negated());
        }
        if (e instanceof Expr.Cast cast) {
            BoundExpr operand = bind(cast.value());
            if (!Coercion.canCast(operand.type().family(), cast.type().family())) {
                throw new SqlException(SqlState.DATATYPE_MISMATCH,
                        "invalid cast from " + operand.type() + " to " + cast.type());
            }
            if (operand instanceof BoundExpr.Const c) {
                return new BoundExpr.Const(Coercion.cast(c.value(), cast.type()), cast.type());
            }
            return new BoundExpr.Cast(operand, cast.type());
        }
        if (e instanceof Expr.FunctionCall call) {
            return function(call);
        }
        throw new IllegalStateException("unbound expression " + e);
    }

    // ---- aggregate mode ----

    private BoundExpr aggregateSlot(Expr e) {
        int groups = aggregation.groupExprs().size();
        int g = aggregation.groupExprs().indexOf(e);
        if (g >= 0) {
            return new BoundExpr.ColumnRef(g, aggregation.groupTypes().get(g), "group" + g);
        }
        if (e instanceof Expr.FunctionCall call && AGGREGATES.contains(call.name())) {
            int a = aggregation.aggregates().indexOf(call);
            Invariants.check(a >= 0, "aggregate %s was not collected", call);
            return new BoundExpr.ColumnRef(groups + a, aggregation.aggregateTypes().get(a), call.name());
        }
        if (e instanceof Expr.ColumnRef ref) {
            int position = aggregation.input().resolve(ref.table(), ref.column());
            for (int i = 0; i < groups; i++) {
                if (aggregation.groupColumnPositions()[i] == position) {
                    return new BoundExpr.ColumnRef(i, aggregation.groupTypes().get(i), ref.column());
                }
            }
            throw new SqlException(SqlState.GROUPING_ERROR, "column \"" + ref.column()
                    + "\" must appear in the GROUP BY clause or be used in an aggregate function");
        }
        return null;
    }

    // ---- operators ----

    private BoundExpr binary(Expr.Binary b) {
        String op = b.op();
        BoundExpr left = bind(b.left());
        BoundExpr right = bind(b.right());
        switch (op) {
            case "AND":
                return new BoundExpr.And(requireBool(left, "AND"), requireBool(right, "AND"));
            case "OR":
                return new BoundExpr.Or(requireBool(left, "OR"), requireBool(right, "OR"));
            case "||":
                return new BoundExpr.Concat(settle(left), settle(right));
            case "=": case "<>": case "<": case "<=": case ">": case ">=": {
                BoundExpr[] pair = unify(left, right, op);
                return new BoundExpr.Compare(op, pair[0], pair[1]);
            }
            default: {
                BoundExpr[] pair = unifyNumeric(left, right, op);
                SqlType type = widest(pair[0].type(), pair[1].type());
                BoundExpr out = new BoundExpr.Arithmetic(op, pair[0], pair[1], type);
                if (out.isConstant()) {
                    return new BoundExpr.Const(out.eval(new Value[0]), type);
                }
                return out;
            }
        }
    }

    private BoundExpr[] unifyNumeric(BoundExpr left, BoundExpr right, String op) {
        if (isUntypedString(left)) {
            left = castConst(left, right.type().isNumeric() ? right.type() : SqlType.DECIMAL);
        }
        if (isUntypedString(right)) {
            right = castConst(right, left.type().isNumeric() ? left.type() : SqlType.DECIMAL);
        }
        boolean leftOk = left.type().isNumeric() || left.type().family() == Family.UNKNOWN;
        boolean rightOk = right.type().isNumeric() || right.type().family() == Family.UNKNOWN;
        if (!leftOk || !rightOk) {
            throw noOperator(op, left.type(), right.type());
        }
        return new BoundExpr[] {left, right};
    }

    private static SqlType widest(SqlType a, SqlType b) {
        if (a.family() == Family.FLOAT || b.family() == Family.FLOAT) {
            return SqlType.FLOAT;
        }
        if (a.family() == Family.DECIMAL || b.family() == Family.DECIMAL) {
            return SqlType.DECIMAL;
        }
        return SqlType.INT;
    }

    /** Makes two operands comparable: untyped literals take the other side's type. */
    private BoundExpr[] unify(BoundExpr left, BoundExpr right, String op) {
        if (isUntypedString(left) && !isUntypedString(right) && right.type().family() != Family.UNKNOWN) {
            left = castConst(left, right.type());
        } else if (isUntypedString(right) && left.type().family() != Family.UNKNOWN) {
            right = isUntypedString(left) ? settle(right) : castConst(right, left.type());
        }
        left = settle(left);
        right = settle(right);
        Family l = left.type().family();
        Family r = right.type().family();
        boolean comparable = l == r || l == Family.UNKNOWN || r == Family.UNKNOWN
                || (left.type().isNumeric() && right.type().isNumeric());
        if (!comparable) {
            throw new SqlException(SqlState.DATATYPE_MISMATCH,
                    "cannot compare " + left.type() + " with " + right.type() + " (operator " + op + ")");
        }
        return new BoundExpr[] {left, right};
    }

    private BoundExpr requireBool(BoundExpr b, String op) {
        if (isUntypedString(b)) {
            b = castConst(b, SqlType.BOOL);
        }
        if (b.type().family() != Family.BOOL && b.type().family() != Family.UNKNOWN) {
            throw new SqlException(SqlState.DATATYPE_MISMATCH,
                    "argument of " + op + " must be type BOOL, not type " + b.type());
        }
        return b;
    }

    private BoundExpr toText(BoundExpr b, String op) {
        b = settle(b);
        if (b.type().family() != Family.STRING && b.type().family() != Family.UNKNOWN) {
            throw noOperator(op, null, b.type());
        }
        return b;
    }

    private static boolean isUntypedString(BoundExpr b) {
        return b instanceof BoundExpr.Const c && c.type().family() == Family.UNKNOWN && !c.value().isNull();
    }

    private static BoundExpr castConst(BoundExpr b, SqlType type) {
        return new BoundExpr.Const(Coercion.cast(((BoundExpr.Const) b).value(), SqlType.of(type.family())),
                SqlType.of(type.family()));
    }

    /** An untyped literal becomes a STRING; anything else is unchanged. */
    static BoundExpr settle(BoundExpr b) {
        if (isUntypedString(b)) {
            return new BoundExpr.Const(((BoundExpr.Const) b).value(), SqlType.STRING);
        }
        return b;
    }

    private static SqlException noOperator(String op, SqlType left, SqlType right) {
        return new SqlException(SqlState.DATATYPE_MISMATCH, "operator does not exist: "
                + (left == null ? "" : left + " ") + op + " " + right);
    }

    // ---- functions ----

    private BoundExpr function(Expr.FunctionCall call) {
        String name = call.name().toLowerCase(Locale.ROOT);
        if (AGGREGATES.contains(name)) {
            throw new SqlException(SqlState.GROUPING_ERROR, clause == null
                    ? "aggregate function " + name + "() is not allowed here"
                    : "aggregate functions are not allowed in " + clause);
        }
        if (call.star() || call.distinct()) {
            throw new SqlException(SqlState.SYNTAX_ERROR, name + "() does not take * or DISTINCT");
        }
        List<BoundExpr> args = new ArrayList<>();
        for (Expr arg : call.args()) {
            args.add(bind(arg));
        }
        switch (name) {
            case "now":
            case "current_timestamp":
                arity(name, args, 0, 0);
                return new BoundExpr.Const(now.now(), SqlType.TIMESTAMP);
            case "unique_rowid": {
                arity(name, args, 0, 0);
                BindContext ids = now;
                // Not constant: every row gets its own id.
                return new BoundExpr.Function(name, List.of(), SqlType.INT, v -> Value.ofInt(ids.nextUniqueId()), false);
            }
            case "lower":
            case "upper": {
                arity(name, args, 1, 1);
                BoundExpr s = stringArg(name, args.get(0));
                boolean lower = name.equals("lower");
                return fn(name, List.of(s), SqlType.STRING, v -> v[0].isNull() ? Value.NULL
                        : Value.ofString(lower ? v[0].asString().toLowerCase(Locale.ROOT)
                                : v[0].asString().toUpperCase(Locale.ROOT)));
            }
            case "length":
            case "char_length": {
                arity(name, args, 1, 1);
                BoundExpr s = settle(args.get(0));
                if (s.type().family() == Family.BYTES) {
                    return fn(name, List.of(s), SqlType.INT, v -> v[0].isNull() ? Value.NULL
                            : Value.ofInt(v[0].asBytes().length));
                }
                s = stringArg(name, s);
                return fn(name, List.of(s), SqlType.INT, v -> v[0].isNull() ? Value.NULL
                        : Value.ofInt(v[0].asString().codePointCount(0, v[0].asString().length())));
            }
            case "substr":
            case "substring": {
                arity(name, args, 2, 3);
                List<BoundExpr> typed = new ArrayList<>();
                typed.add(stringArg(name, args.get(0)));
                for (int i = 1; i < args.size(); i++) {
                    typed.add(intArg(name, args.get(i)));
                }
                return fn(name, typed, SqlType.STRING, Binder::substring);
            }
            case "abs": {
                arity(name, args, 1, 1);
                BoundExpr x = args.get(0);
                if (isUntypedString(x)) {
                    x = castConst(x, SqlType.DECIMAL);
                }
                if (!x.type().isNumeric() && x.type().family() != Family.UNKNOWN) {
                    throw noFunction(name, args);
                }
                SqlType type = x.type().family() == Family.UNKNOWN ? SqlType.INT : x.type();
                return fn(name, List.of(x), type, v -> abs(v[0]));
            }
            case "coalesce": {
                arity(name, args, 1, 64);
                SqlType type = SqlType.UNKNOWN;
                for (BoundExpr arg : args) {
                    if (!isUntypedString(arg) && arg.type().family() != Family.UNKNOWN) {
                        type = type.family() == Family.UNKNOWN ? arg.type()
                                : (type.isNumeric() && arg.type().isNumeric() ? widest(type, arg.type()) : type);
                    }
                }
                if (type.family() == Family.UNKNOWN) {
                    type = args.stream().anyMatch(Binder::isUntypedString) ? SqlType.STRING : SqlType.UNKNOWN;
                }
                List<BoundExpr> typed = new ArrayList<>();
                for (BoundExpr arg : args) {
                    BoundExpr t = isUntypedString(arg) ? castConst(arg, type) : arg;
                    Family f = t.type().family();
                    if (f != Family.UNKNOWN && f != type.family() && !(t.type().isNumeric() && type.isNumeric())) {
                        throw new SqlException(SqlState.DATATYPE_MISMATCH,
                                "COALESCE types " + type + " and " + t.type() + " cannot be matched");
                    }
                    typed.add(t.type().family() == type.family() || f == Family.UNKNOWN ? t : new BoundExpr.Cast(t, type));
                }
                return fn(name, typed, type, v -> {
                    for (Value x : v) {
                        if (!x.isNull()) {
                            return x;
                        }
                    }
                    return Value.NULL;
                });
            }
            default:
                throw noFunction(name, args);
        }
    }

    private static BoundExpr fn(String name, List<BoundExpr> args, SqlType type,
                                java.util.function.Function<Value[], Value> body) {
        BoundExpr out = new BoundExpr.Function(name, args, type, body, true);
        if (out.isConstant()) {
            return new BoundExpr.Const(out.eval(new Value[0]), type);
        }
        return out;
    }

    private static Value substring(Value[] v) {
        for (Value x : v) {
            if (x.isNull()) {
                return Value.NULL;
            }
        }
        int[] codePoints = v[0].asString().codePoints().toArray();
        long start = v[1].asLong();
        long end = codePoints.length + 1L;
        if (v.length == 3) {
            long count = v[2].asLong();
            if (count < 0) {
                throw new SqlException(SqlState.INVALID_PARAMETER_VALUE, "negative substring length not allowed");
            }
            end = start > Long.MAX_VALUE - count ? Long.MAX_VALUE : start + count;
        }
        long from = Math.max(start, 1);
        long to = Math.min(end, codePoints.length + 1L);
        if (from >= to) {
            return Value.ofString("");
        }
        return Value.ofString(new String(codePoints, (int) from - 1, (int) (to - from)));
    }

    private static Value abs(Value v) {
        if (v.isNull()) {
            return Value.NULL;
        }
        return switch (v.family()) {
            case INT -> {
                if (v.asLong() == Long.MIN_VALUE) {
                    throw new SqlException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "abs(" + v + "): integer out of range");
                }
                yield Value.ofInt(Math.abs(v.asLong()));
            }
            case FLOAT -> Value.ofFloat(Math.abs(v.asDouble()));
            default -> Value.ofDecimal(v.asDecimal().abs());
        };
    }

    private BoundExpr stringArg(String name, BoundExpr arg) {
        BoundExpr s = settle(arg);
        if (s.type().family() != Family.STRING && s.type().family() != Family.UNKNOWN) {
            throw new SqlException(SqlState.DATATYPE_MISMATCH, name + "() needs a STRING argument, not " + s.type());
        }
        return s;
    }

    private BoundExpr intArg(String name, BoundExpr arg) {
        BoundExpr i = isUntypedString(arg) ? castConst(arg, SqlType.INT) : arg;
        if (i.type().family() != Family.INT && i.type().family() != Family.UNKNOWN) {
            throw new SqlException(SqlState.DATATYPE_MISMATCH, name + "() needs an INT8 argument, not " + i.type());
        }
        return i;
    }

    private static void arity(String name, List<BoundExpr> args, int min, int max) {
        if (args.size() < min || args.size() > max) {
            throw new SqlException(SqlState.UNDEFINED_FUNCTION, name + "() takes "
                    + (min == max ? String.valueOf(min) : min + " to " + max) + " arguments, got " + args.size());
        }
    }

    private static SqlException noFunction(String name, List<BoundExpr> args) {
        StringBuilder types = new StringBuilder();
        for (BoundExpr a : args) {
            types.append(types.length() == 0 ? "" : ", ").append(a.type());
        }
        return new SqlException(SqlState.UNDEFINED_FUNCTION, "unknown function: " + name + "(" + types + ")");
    }

    /** The result type of an aggregate over an argument of {@code arg} (null for COUNT(*)). */
    static SqlType aggregateType(String name, SqlType arg) {
        switch (name) {
            case "count":
                return SqlType.INT;
            case "min":
            case "max":
                return arg.family() == Family.UNKNOWN ? SqlType.STRING : SqlType.of(arg.family());
            case "sum":
            case "avg":
                if (arg.family() == Family.UNKNOWN) {
                    return name.equals("sum") ? SqlType.INT : SqlType.DECIMAL;
                }
                if (!arg.isNumeric()) {
                    throw new SqlException(SqlState.UNDEFINED_FUNCTION, "unknown function: " + name + "(" + arg + ")");
                }
                if (arg.family() == Family.FLOAT) {
                    return SqlType.FLOAT;
                }
                return name.equals("avg") ? SqlType.DECIMAL : SqlType.of(arg.family());
            default:
                throw new IllegalStateException("not an aggregate: " + name);
        }
    }
}

package io.conclave.sql.exec;

import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.SqlType;
import io.conclave.sql.SqlType.Family;
import io.conclave.sql.Value;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A type-checked expression over a row ({@code Value[]}, positions fixed by the binder's scope).
 * Evaluation implements SQL's three-valued logic: NULL in, NULL out, except AND/OR/IS NULL.
 */
sealed interface BoundExpr {
    SqlType type();

    Value eval(Value[] row);

    /** True when the value does not depend on the row (evaluated once for spans). */
    default boolean isConstant() {
        return false;
    }

    record Const(Value value, SqlType type) implements BoundExpr {
        public Value eval(Value[] row) {
            return value;
        }

        public boolean isConstant() {
            return true;
        }
    }

    record ColumnRef(int index, SqlType type, String name) implements BoundExpr {
        public Value eval(Value[] row) {
            return row[index];
        }
    }

    record Not(BoundExpr operand) implements BoundExpr {
        public SqlType type() {
            return SqlType.BOOL;
        }

        public Value eval(Value[] row) {
            Value v = operand.eval(row);
            return v.isNull() ? Value.NULL : Value.ofBool(!v.asBool());
        }

        public boolean isConstant() {
            return operand.isConstant();
        }
    }

    record And(BoundExpr left, BoundExpr right) implements BoundExpr {
        public SqlType type() {
            return SqlType.BOOL;
        }

        public Value eval(Value[] row) {
            Value l = left.eval(row);
            if (!l.isNull() && !l.asBool()) {
                return Value.FALSE;
            }
            Value r = right.eval(row);
            if (!r.isNull() && !r.asBool()) {
                return Value.FALSE;
            }
            return l.isNull() || r.isNull() ? Value.NULL : Value.TRUE;
        }

        public boolean isConstant() {
            return left.isConstant() && right.isConstant();
        }
    }

    record Or(BoundExpr left, BoundExpr right) implements BoundExpr {
        public SqlType type() {
            return SqlType.BOOL;
        }

        public Value eval(Value[] row) {
            Value l = left.eval(row);
            if (!l.isNull() && l.asBool()) {
                return Value.TRUE;
            }
            Value r = right.eval(row);
            if (!r.isNull() && r.asBool()) {
                return Value.TRUE;
            }
            return l.isNull() || r.isNull() ? Value.NULL : Value.FALSE;
        }

        public boolean isConstant() {
            return left.isConstant() && right.isConstant();
        }
    }

    /** {@code = <> < <= > >=} between comparable types (checked by the binder). */
    record Compare(String op, BoundExpr left, BoundExpr right) implements BoundExpr {
        public SqlType type() {
            return SqlType.BOOL;
        }

        public Value eval(Value[] row) {
            Value l = left.eval(row);
            Value r = right.eval(row);
            if (l.isNull() || r.isNull()) {
                return Value.NULL;
            }
            int c = l.compareTo(r);
            return Value.ofBool(switch (op) {
                case "=" -> c == 0;
                case "<>" -> c != 0;
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                case ">=" -> c >= 0;
                default -> throw new IllegalStateException("comparison " + op);
            });
        }

        public boolean isConstant() {
            return left.isConstant() && right.isConstant();
        }
    }

    record IsNull(BoundExpr operand, boolean negated) implements BoundExpr {
        public SqlType type() {
            return SqlType.BOOL;
        }

        public Value eval(Value[] row) {
            return Value.ofBool(operand.eval(row).isNull() != negated);
        }

        public boolean isConstant() {
            return operand.isConstant();
        }
    }

    record In(BoundExpr operand, List<BoundExpr> items, boolean negated) implements BoundExpr {
        public SqlType type() {
            return SqlType.BOOL;
        }

        public Value eval(Value[] row) {
            Value v = operand.eval(row);
            if (v.isNull()) {
                return Value.NULL;
            }
            boolean sawNull = false;
            for (BoundExpr item : items) {
                Value candidate = item.eval(row);
                if (candidate.isNull()) {
                    sawNull = true;
                } else if (v.compareTo(candidate) == 0) {
                    return Value.ofBool(!negated);
                }
            }
            return sawNull ? Value.NULL : Value.ofBool(negated);
        }

        public boolean isConstant() {
            return operand.isConstant() && items.stream().allMatch(BoundExpr::isConstant);
        }
    }

    record Like(BoundExpr operand, BoundExpr pattern, boolean negated) implements BoundExpr {
        public SqlType type() {
            return SqlType.BOOL;
        }

        public Value eval(Value[] row) {
            Value v = operand.eval(row);
            Value p = pattern.eval(row);
            if (v.isNull() || p.isNull()) {
                return Value.NULL;
            }
            return Value.ofBool(likeRegex(p.asString()).matcher(v.asString()).matches() != negated);
        }

        public boolean isConstant() {
            return operand.isConstant() && pattern.isConstant();
        }

        /** LIKE's {@code %} and {@code _} with backslash as the escape character. */
        static Pattern likeRegex(String pattern) {
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (c == '\\' && i + 1 < pattern.length()) {
                    regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
                } else if (c == '%') {
                    regex.append(".*");
                } else if (c == '_') {
                    regex.append('.');
                } else {
                    regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(regex.toString(), Pattern.DOTALL);
        }
    }

    /** Arithmetic on two numeric operands already converted to {@code type}'s family. */
    record Arithmetic(String op, BoundExpr left, BoundExpr right, SqlType type) implements BoundExpr {
        private static final MathContext DIVISION = MathContext.DECIMAL128;

        public Value eval(Value[] row) {
            Value l = left.eval(row);
            Value r = right.eval(row);
            if (l.isNull() || r.isNull()) {
                return Value.NULL;
            }
            return switch (type.family()) {
                case INT -> intOp(l.asLong(), r.asLong());
                case FLOAT -> floatOp(l.asDouble(), r.asDouble());
                case DECIMAL -> decimalOp(l.asDecimal(), r.asDecimal());
                default -> throw new IllegalStateException("arithmetic on " + type);
            };
        }

        public boolean isConstant() {
            return left.isConstant() && right.isConstant();
        }

        private Value intOp(long a, long b) {
            try {
                return Value.ofInt(switch (op) {
                    case "+" -> Math.addExact(a, b);
                    case "-" -> Math.subtractExact(a, b);
                    case "*" -> Math.multiplyExact(a, b);
                    case "/" -> {
                        if (b == 0) {
                            throw divisionByZero();
                        }
                        if (a == Long.MIN_VALUE && b == -1) {
                            throw new ArithmeticException();
                        }
                        yield a / b;
                    }
                    case "%" -> {
                        if (b == 0) {
                            throw divisionByZero();
                        }
                        yield b == -1 ? 0 : a % b;
                    }
                    default -> throw new IllegalStateException("operator " + op);
                });
            } catch (ArithmeticException overflow) {
                throw new SqlException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
                        "integer out of range: " + a + " " + op + " " + b);
            }
        }

        private Value floatOp(double a, double b) {
            double out = switch (op) {
                case "+" -> a + b;
                case "-" -> a - b;
                case "*" -> a * b;
                case "/" -> {
                    if (b == 0) {
                        throw divisionByZero();
                    }
                    yield a / b;
                }
                case "%" -> {
                    if (b == 0) {
                        throw divisionByZero();
                    }
                    yield a % b;
                }
                default -> throw new IllegalStateException("operator " + op);
            };
            if (Double.isInfinite(out) && !Double.isInfinite(a) && !Double.isInfinite(b)) {
                throw new SqlException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "float out of range: "
                        + Value.ofFloat(a) + " " + op + " " + Value.ofFloat(b));
            }
            return Value.ofFloat(out);
        }

        private Value decimalOp(BigDecimal a, BigDecimal b) {
            BigDecimal out = switch (op) {
                case "+" -> a.add(b);
                case "-" -> a.subtract(b);
                case "*" -> a.multiply(b);
                case "/" -> {
                    if (b.signum() == 0) {
                        throw divisionByZero();
                    }
                    BigDecimal q = a.divide(b, DIVISION).stripTrailingZeros();
                    yield q.scale() < 0 ? q.setScale(0) : q;
                }
                case "%" -> {
                    if (b.signum() == 0) {
                        throw divisionByZero();
                    }
                    yield a.remainder(b);
                }
                default -> throw new IllegalStateException("operator " + op);
            };
            if (Math.abs((long) out.precision() - out.scale()) > 10_000) {
                throw new SqlException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "decimal out of range");
            }
            return Value.ofDecimal(out);
        }

        private static SqlException divisionByZero() {
            return new SqlException(SqlState.DIVISION_BY_ZERO, "division by zero");
        }
    }

    record Negate(BoundExpr operand, SqlType type) implements BoundExpr {
        public Value eval(Value[] row) {
            Value v = operand.eval(row);
            if (v.isNull()) {
                return Value.NULL;
            }
            return switch (type.family()) {
                case INT -> {
                    if (v.asLong() == Long.MIN_VALUE) {
                        throw new SqlException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "integer out of range: -(" + v + ")");
                    }
                    yield Value.ofInt(-v.asLong());
                }
                case FLOAT -> Value.ofFloat(-v.asDouble());
                case DECIMAL -> Value.ofDecimal(v.asDecimal().negate());
                default -> throw new IllegalStateException("negation of " + type);
            };
        }

        public boolean isConstant() {
            return operand.isConstant();
        }
    }

    record Concat(BoundExpr left, BoundExpr right) implements BoundExpr {
        public SqlType type() {
            return SqlType.STRING;
        }

        public Value eval(Value[] row) {
            Value l = left.eval(row);
            Value r = right.eval(row);
            if (l.isNull() || r.isNull()) {
                return Value.NULL;
            }
            return Value.ofString(text(l) + text(r));
        }

        private static String text(Value v) {
            return v.family() == Family.STRING ? v.asString() : v.toString();
        }

        public boolean isConstant() {
            return left.isConstant() && right.isConstant();
        }
    }

    record Cast(BoundExpr operand, SqlType type) implements BoundExpr {
        public Value eval(Value[] row) {
            return Coercion.cast(operand.eval(row), type);
        }

        public boolean isConstant() {
            return operand.isConstant();
        }
    }

    /** A scalar function; {@code body} sees the evaluated arguments. */
    record Function(String name, List<BoundExpr> args, SqlType type,
                    java.util.function.Function<Value[], Value> body, boolean constant) implements BoundExpr {
        public Value eval(Value[] row) {
            Value[] values = new Value[args.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = args.get(i).eval(row);
            }
            return body.apply(values);
        }

        public boolean isConstant() {
            return constant && args.stream().allMatch(BoundExpr::isConstant);
        }
    }
}

package io.conclave.sql.exec;

import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.SqlType;
import io.conclave.sql.SqlType.Family;
import io.conclave.sql.Value;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.HashSet;
import java.util.Set;

/** The running state of one aggregate in one group. NULL inputs are skipped (except COUNT(*)). */
final class Accumulator {
    /** One aggregate call: function, argument (null for COUNT(*)), DISTINCT, result type. */
    record Spec(String name, BoundExpr arg, boolean distinct, SqlType type) {}

    private final Spec spec;
    private final Set<Value> seen;
    private long count;
    private long intSum;
    private double floatSum;
    private BigDecimal decimalSum = BigDecimal.ZERO;
    private Value extreme = Value.NULL;

    Accumulator(Spec spec) {
        this.spec = spec;
        this.seen = spec.distinct() ? new HashSet<>() : null;
    }

    void add(Value[] row) {
        if (spec.arg() == null) {
            count++;
            return;
        }
        Value v = spec.arg().eval(row);
        if (v.isNull() || (seen != null && !seen.add(v))) {
            return;
        }
        count++;
        switch (spec.name()) {
            case "count" -> { }
            case "min" -> extreme = extreme.isNull() || v.compareTo(extreme) < 0 ? v : extreme;
            case "max" -> extreme = extreme.isNull() || v.compareTo(extreme) > 0 ? v : extreme;
            case "sum", "avg" -> addToSum(v);
            default -> throw new IllegalStateException("aggregate " + spec.name());
        }
    }

    private void addToSum(Value v) {
        switch (v.family()) {
            case INT -> {
                if (spec.type().family() == Family.INT) {
                    try {
                        intSum = Math.addExact(intSum, v.asLong());
                    } catch (ArithmeticException overflow) {
                        throw new SqlException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "integer out of range in sum()");
                    }
                } else {
                    decimalSum = decimalSum.add(BigDecimal.valueOf(v.asLong()));
                }
            }
            case FLOAT -> floatSum += v.asDouble();
            default -> decimalSum = decimalSum.add(v.asDecimal());
        }
    }

    Value result() {
        switch (spec.name()) {
            case "count":
                return Value.ofInt(count);
            case "min":
            case "max":
                return extreme;
            case "sum":
                if (count == 0) {
                    return Value.NULL;
                }
                return switch (spec.type().family()) {
                    case INT -> Value.ofInt(intSum);
                    case FLOAT -> Value.ofFloat(floatSum);
                    default -> Value.ofDecimal(decimalSum);
                };
            case "avg": {
                if (count == 0) {
                    return Value.NULL;
                }
                if (spec.type().family() == Family.FLOAT) {
                    return Value.ofFloat(floatSum / count);
                }
                BigDecimal avg = decimalSum.divide(BigDecimal.valueOf(count), MathContext.DECIMAL128).stripTrailingZeros();
                return Value.ofDecimal(avg.scale() < 0 ? avg.setScale(0) : avg);
            }
            default:
                throw new IllegalStateException("aggregate " + spec.name());
        }
    }
}

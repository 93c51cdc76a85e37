package io.conclave.sql.ast;

import io.conclave.sql.SqlType;
import io.conclave.sql.Value;
import java.util.List;

/**
 * A SQL expression as parsed. Records give structural equality, which GROUP BY uses to match a
 * select expression against a grouping expression.
 */
public sealed interface Expr {
    /** A literal. {@code untypedString} marks a quoted string whose type comes from context. */
    record Literal(Value value, boolean untypedString) implements Expr {}

    /** A statement parameter, {@code $index} (1-based); {@code ?} placeholders are numbered in order. */
    record Parameter(int index) implements Expr {}

    /** {@code column} or {@code table.column}; {@code table} is null when unqualified. */
    record ColumnRef(String table, String column) implements Expr {}

    /** {@code -x}, {@code +x}, {@code NOT x}. */
    record Unary(String op, Expr operand) implements Expr {}

    /** Arithmetic, {@code ||}, comparisons, AND and OR; {@code op} is the SQL spelling. */
    record Binary(String op, Expr left, Expr right) implements Expr {}

    record Between(Expr value, Expr low, Expr high, boolean negated) implements Expr {}

    record InList(Expr value, List<Expr> items, boolean negated) implements Expr {
        public InList {
            items = List.copyOf(items);
        }
    }

    record Like(Expr value, Expr pattern, boolean negated) implements Expr {}

    record IsNull(Expr value, boolean negated) implements Expr {}

    record Cast(Expr value, SqlType type) implements Expr {}

    /** {@code name(args)}, {@code name(DISTINCT args)} or {@code name(*)}; name is lower case. */
    record FunctionCall(String name, List<Expr> args, boolean distinct, boolean star) implements Expr {
        public FunctionCall {
            args = List.copyOf(args);
        }
    }
}

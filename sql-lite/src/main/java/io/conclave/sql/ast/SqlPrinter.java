package io.conclave.sql.ast;

import io.conclave.sql.SqlType;
import io.conclave.sql.Value;
import java.util.stream.Collectors;

/** Prints expressions back as SQL (EXPLAIN filters, column names). Fully parenthesised where needed. */
public final class SqlPrinter {
    private SqlPrinter() {}

    public static String print(Expr e) {
        if (e instanceof Expr.Literal lit) {
            Value v = lit.value();
            if (v.isNull()) {
                return "NULL";
            }
            return switch (v.family()) {
                case STRING -> "'" + v.asString().replace("'", "''") + "'";
                case BYTES -> "'" + v + "'::BYTES";
                case TIMESTAMP -> "'" + v + "'::TIMESTAMP";
                default -> v.toString();
            };
        }
        if (e instanceof Expr.Parameter p) {
            return "$" + p.index();
        }
        if (e instanceof Expr.ColumnRef ref) {
            return ref.table() == null ? ref.column() : ref.table() + "." + ref.column();
        }
        if (e instanceof Expr.Unary u) {
            return u.op().equals("NOT") ? "NOT " + wrap(u.operand()) : u.op() + wrap(u.operand());
        }
        if (e instanceof Expr.Binary b) {
            return wrap(b.left()) + " " + b.op() + " " + wrap(b.right());
        }
        if (e instanceof Expr.Between b) {
            return wrap(b.value()) + (b.negated() ? " NOT" : "") + " BETWEEN " + wrap(b.low()) + " AND " + wrap(b.high());
        }
        if (e instanceof Expr.InList in) {
            return wrap(in.value()) + (in.negated() ? " NOT" : "") + " IN ("
                    + in.items().stream().map(SqlPrinter::print).collect(Collectors.joining(", ")) + ")";
        }
        if (e instanceof Expr.Like like) {
            return wrap(like.value()) + (like.negated() ? " NOT" : "") + " LIKE " + wrap(like.pattern());
        }
        if (e instanceof Expr.IsNull n) {
            return wrap(n.value()) + (n.negated() ? " IS NOT NULL" : " IS NULL");
        }
        if (e instanceof Expr.Cast c) {
            return wrap(c.value()) + "::" + typeName(c.type());
        }
        Expr.FunctionCall f = (Expr.FunctionCall) e;
        if (f.star()) {
            return f.name() + "(*)";
        }
        return f.name() + "(" + (f.distinct() ? "DISTINCT " : "")
                + f.args().stream().map(SqlPrinter::print).collect(Collectors.joining(", ")) + ")";
    }

    private static String wrap(Expr e) {
        boolean simple = e instanceof Expr.Literal || e instanceof Expr.Parameter || e instanceof Expr.ColumnRef || e instanceof Expr.FunctionCall
                || e instanceof Expr.Cast;
        return simple ? print(e) : "(" + print(e) + ")";
    }

    private static String typeName(SqlType type) {
        return type.sqlName();
    }
}

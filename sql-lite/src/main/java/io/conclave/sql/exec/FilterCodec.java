package io.conclave.sql.exec;

import io.conclave.sql.SqlType;
import io.conclave.sql.Value;
import io.conclave.sql.encoding.ByteSink;
import io.conclave.sql.encoding.ByteSource;
import io.conclave.sql.encoding.CorruptDataException;
import io.conclave.sql.encoding.KeyEncoding;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire form of a bound filter expression, for evaluation at the ranges: a tag per node,
 * children after their parent, constants and types in full. Only the node kinds below travel;
 * a conjunct containing anything else (a function, whose body is code) is evaluated at the
 * gateway only ({@link #pushable}). Decoding is bounded in depth and refuses unknown tags.
 */
final class FilterCodec {
    /** Deeper expressions stay at the gateway: decoding recurses once per level. */
    static final int MAX_DEPTH = 64;

    private static final int CONST = 1;
    private static final int COLUMN = 2;
    private static final int NOT = 3;
    private static final int AND = 4;
    private static final int OR = 5;
    private static final int COMPARE = 6;
    private static final int IS_NULL = 7;
    private static final int IN = 8;
    private static final int LIKE = 9;
    private static final int ARITHMETIC = 10;
    private static final int NEGATE = 11;
    private static final int CONCAT = 12;
    private static final int CAST = 13;

    private FilterCodec() {}

    /** Whether {@code e} can be evaluated at a range: every node is one of the kinds that travel. */
    static boolean pushable(BoundExpr e) {
        return pushable(e, 0);
    }

    private static boolean pushable(BoundExpr e, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        int d = depth + 1;
        if (e instanceof BoundExpr.Const || e instanceof BoundExpr.ColumnRef) {
            return true;
        }
        if (e instanceof BoundExpr.Function) {
            // A constant function call (now(), a function of literals) travels as its value.
            return e.isConstant() && constantValue(e) != null;
        }
        if (e instanceof BoundExpr.Not n) {
            return pushable(n.operand(), d);
        }
        if (e instanceof BoundExpr.And a) {
            return pushable(a.left(), d) && pushable(a.right(), d);
        }
        if (e instanceof BoundExpr.Or o) {
            return pushable(o.left(), d) && pushable(o.right(), d);
        }
        if (e instanceof BoundExpr.Compare c) {
            return pushable(c.left(), d) && pushable(c.right(), d);
        }
        if (e instanceof BoundExpr.IsNull n) {
            return pushable(n.operand(), d);
        }
        if (e instanceof BoundExpr.In in) {
            return pushable(in.operand(), d) && in.items().stream().allMatch(i -> pushable(i, d));
        }
        if (e instanceof BoundExpr.Like l) {
            return pushable(l.operand(), d) && pushable(l.pattern(), d);
        }
        if (e instanceof BoundExpr.Arithmetic a) {
            return pushable(a.left(), d) && pushable(a.right(), d);
        }
        if (e instanceof BoundExpr.Negate n) {
            return pushable(n.operand(), d);
        }
        if (e instanceof BoundExpr.Concat c) {
            return pushable(c.left(), d) && pushable(c.right(), d);
        }
        if (e instanceof BoundExpr.Cast c) {
            return pushable(c.operand(), d);
        }
        return false;
    }

    /** The value of a constant function call, or null if evaluating it fails (it then stays at the gateway). */
    private static Value constantValue(BoundExpr e) {
        try {
            return e.eval(new Value[0]);
        } catch (RuntimeException failed) {
            return null;
        }
    }

    static void encode(ByteSink out, BoundExpr e) {
        if (e instanceof BoundExpr.Const c) {
            out.write(CONST);
            writeValue(out, c.value());
            writeType(out, c.type());
        } else if (e instanceof BoundExpr.Function f) {
            Value v = constantValue(f);
            Invariants.check(f.isConstant() && v != null, "function %s is not pushable", f.name());
            out.write(CONST);
            writeValue(out, v);
            writeType(out, f.type());
        } else if (e instanceof BoundExpr.ColumnRef c) {
            out.write(COLUMN);
            KeyEncoding.encodeUvarint(out, c.index());
            writeType(out, c.type());
            writeString(out, c.name());
        } else if (e instanceof BoundExpr.Not n) {
            encode(out.write(NOT), n.operand());
        } else if (e instanceof BoundExpr.And a) {
            encode(out.write(AND), a.left());
            encode(out, a.right());
        } else if (e instanceof BoundExpr.Or o) {
            encode(out.write(OR), o.left());
            encode(out, o.right());
        } else if (e instanceof BoundExpr.Compare c) {
            writeString(out.write(COMPARE), c.op());
            encode(out, c.left());
            encode(out, c.right());
        } else if (e instanceof BoundExpr.IsNull n) {
            out.write(IS_NULL).write(n.negated() ? 1 : 0);
            encode(out, n.operand());
        } else if (e instanceof BoundExpr.In in) {
            out.write(IN).write(in.negated() ? 1 : 0);
            encode(out, in.operand());
            KeyEncoding.encodeUvarint(out, in.items().size());
            for (BoundExpr item : in.items()) {
                encode(out, item);
            }
        } else if (e instanceof BoundExpr.Like l) {
            out.write(LIKE).write(l.negated() ? 1 : 0);
            encode(out, l.operand());
            encode(out, l.pattern());
        } else if (e instanceof BoundExpr.Arithmetic a) {
            writeString(out.write(ARITHMETIC), a.op());
            writeType(out, a.type());
            encode(out, a.left());
            encode(out, a.right());
        } else if (e instanceof BoundExpr.Negate n) {
            writeType(out.write(NEGATE), n.type());
            encode(out, n.operand());
        } else if (e instanceof BoundExpr.Concat c) {
            encode(out.write(CONCAT), c.left());
            encode(out, c.right());
        } else if (e instanceof BoundExpr.Cast c) {
            writeType(out.write(CAST), c.type());
            encode(out, c.operand());
        } else {
            throw new IllegalStateException("not a pushable expression: " + e.getClass().getSimpleName());
        }
    }

    static BoundExpr decode(ByteSource in, int columns) {
        return decode(in, columns, 0);
    }

    private static BoundExpr decode(ByteSource in, int columns, int depth) {
        if (depth > MAX_DEPTH) {
            throw new CorruptDataException("filter nested deeper than " + MAX_DEPTH);
        }
        int d = depth + 1;
        int tag = in.read();
        return switch (tag) {
            case CONST -> {
                Value v = readValue(in);
                yield new BoundExpr.Const(v, readType(in));
            }
            case COLUMN -> {
                long index = KeyEncoding.decodeUvarint(in);
                if (index >= columns) {
                    throw new CorruptDataException("filter column " + index + " of a table of " + columns);
                }
                SqlType type = readType(in);
                yield new BoundExpr.ColumnRef((int) index, type, readString(in));
            }
            case NOT -> new BoundExpr.Not(decode(in, columns, d));
            case AND -> new BoundExpr.And(decode(in, columns, d), decode(in, columns, d));
            case OR -> new BoundExpr.Or(decode(in, columns, d), decode(in, columns, d));
            case COMPARE -> {
                String op = readString(in);
                if (!List.of("=", "<>", "<", "<=", ">", ">=").contains(op)) {
                    throw new CorruptDataException("filter comparison " + op);
                }
                yield new BoundExpr.Compare(op, decode(in, columns, d), decode(in, columns, d));
            }
            case IS_NULL -> {
                boolean negated = in.read() != 0;
                yield new BoundExpr.IsNull(decode(in, columns, d), negated);
            }
            case IN -> {
                boolean negated = in.read() != 0;
                BoundExpr operand = decode(in, columns, d);
                long n = KeyEncoding.decodeUvarint(in);
                if (n > RowFilters.MAX_SPEC_BYTES) {
                    throw new CorruptDataException("filter IN list of " + n + " items");
                }
                List<BoundExpr> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(decode(in, columns, d));
                }
                yield new BoundExpr.In(operand, items, negated);
            }
            case LIKE -> {
                boolean negated = in.read() != 0;
                yield new BoundExpr.Like(decode(in, columns, d), decode(in, columns, d), negated);
            }
            case ARITHMETIC -> {
                String op = readString(in);
                if (!List.of("+", "-", "*", "/", "%").contains(op)) {
                    throw new CorruptDataException("filter operator " + op);
                }
                SqlType type = readType(in);
                yield new BoundExpr.Arithmetic(op, decode(in, columns, d), decode(in, columns, d), type);
            }
            case NEGATE -> {
                SqlType type = readType(in);
                yield new BoundExpr.Negate(decode(in, columns, d), type);
            }
            case CONCAT -> new BoundExpr.Concat(decode(in, columns, d), decode(in, columns, d));
            case CAST -> {
                SqlType type = readType(in);
                yield new BoundExpr.Cast(decode(in, columns, d), type);
            }
            default -> throw new CorruptDataException("unknown filter node " + tag);
        };
    }

    // ---- values, types, strings ----

    private static void writeValue(ByteSink out, Value v) {
        out.write(v.isNull() ? 0xff : v.family().ordinal());
        if (v.isNull()) {
            return;
        }
        switch (v.family()) {
            case INT -> out.writeLong(v.asLong());
            case FLOAT -> out.writeLong(Double.doubleToLongBits(v.asDouble()));
            case DECIMAL -> writeString(out, v.asDecimal().toString());
            case STRING -> writeString(out, v.asString());
            case BOOL -> out.write(v.asBool() ? 1 : 0);
            case BYTES -> writeBytes(out, v.asBytes());
            case TIMESTAMP -> out.writeLong(v.asTimestampMicros());
            case UNKNOWN -> throw new IllegalStateException("a non-NULL value without a type");
        }
    }

    private static Value readValue(ByteSource in) {
        int family = in.read();
        if (family == 0xff) {
            return Value.NULL;
        }
        if (family >= SqlType.Family.values().length) {
            throw new CorruptDataException("filter value of family " + family);
        }
        return switch (SqlType.Family.values()[family]) {
            case INT -> Value.ofInt(in.readLong());
            case FLOAT -> Value.ofFloat(Double.longBitsToDouble(in.readLong()));
            case DECIMAL -> Value.ofDecimal(new BigDecimal(readString(in)));
            case STRING -> Value.ofString(readString(in));
            case BOOL -> Value.ofBool(in.read() != 0);
            case BYTES -> Value.ofBytes(readBytes(in));
            case TIMESTAMP -> Value.ofTimestampMicros(in.readLong());
            case UNKNOWN -> throw new CorruptDataException("a non-NULL filter value without a type");
        };
    }

    static void writeType(ByteSink out, SqlType t) {
        out.write(t.family().ordinal());
        KeyEncoding.encodeUvarint(out, t.width());
        KeyEncoding.encodeUvarint(out, t.precision());
        KeyEncoding.encodeUvarint(out, t.scale());
    }

    static SqlType readType(ByteSource in) {
        int family = in.read();
        if (family >= SqlType.Family.values().length) {
            throw new CorruptDataException("filter type of family " + family);
        }
        long width = KeyEncoding.decodeUvarint(in);
        long precision = KeyEncoding.decodeUvarint(in);
        long scale = KeyEncoding.decodeUvarint(in);
        if (width > Integer.MAX_VALUE || precision > Integer.MAX_VALUE || scale > Integer.MAX_VALUE) {
            throw new CorruptDataException("filter type out of range");
        }
        try {
            return new SqlType(SqlType.Family.values()[family], (int) width, (int) precision, (int) scale);
        } catch (IllegalArgumentException e) {
            throw new CorruptDataException("filter type: " + e.getMessage());
        }
    }

    private static void writeString(ByteSink out, String s) {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static String readString(ByteSource in) {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static void writeBytes(ByteSink out, byte[] b) {
        KeyEncoding.encodeUvarint(out, b.length);
        out.write(b);
    }

    private static byte[] readBytes(ByteSource in) {
        long n = KeyEncoding.decodeUvarint(in);
        if (n > RowFilters.MAX_SPEC_BYTES) {
            throw new CorruptDataException("filter field of " + n + " bytes");
        }
        return in.read((int) n);
    }
}

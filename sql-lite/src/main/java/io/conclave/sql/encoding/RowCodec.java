package io.conclave.sql.encoding;

import io.conclave.sql.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.function.IntUnaryOperator;

/**
 * The row value encoding: the non-key columns of a row, each as {@code uvarint(column id)},
 * a family tag and the payload. NULL columns are left out. Tagging by column id (not position)
 * lets a future ALTER TABLE add or drop columns without rewriting rows: an absent id reads as
 * NULL, an unknown id is skipped by the caller.
 *
 * <pre>
 *   INT, TIMESTAMP, FLOAT   8 bytes
 *   DECIMAL                 uvarint(scale zig-zag) uvarint(length) two's-complement unscaled
 *   STRING, BYTES           uvarint(length) bytes (UTF-8 for STRING)
 *   BOOL                    1 byte
 * </pre>
 */
public final class RowCodec {
    private static final int TAG_INT = 1;
    private static final int TAG_FLOAT = 2;
    private static final int TAG_DECIMAL = 3;
    private static final int TAG_STRING = 4;
    private static final int TAG_BOOL = 5;
    private static final int TAG_BYTES = 6;
    private static final int TAG_TIMESTAMP = 7;

    private RowCodec() {}

    /** Appends one column; NULL values are skipped. */
    public static void encodeColumn(ByteSink out, int columnId, Value v) {
        if (v.isNull()) {
            return;
        }
        KeyEncoding.encodeUvarint(out, columnId);
        switch (v.family()) {
            case INT -> out.write(TAG_INT).writeLong(v.asLong());
            case FLOAT -> out.write(TAG_FLOAT).writeLong(Double.doubleToLongBits(v.asDouble()));
            case DECIMAL -> {
                BigDecimal d = v.asDecimal();
                byte[] unscaled = d.unscaledValue().toByteArray();
                out.write(TAG_DECIMAL);
                KeyEncoding.encodeUvarint(out, zigZag(d.scale()));
                KeyEncoding.encodeUvarint(out, unscaled.length);
                out.write(unscaled);
            }
            case STRING -> writeBytes(out.write(TAG_STRING), v.asString().getBytes(StandardCharsets.UTF_8));
            case BOOL -> out.write(TAG_BOOL).write(v.asBool() ? 1 : 0);
            case BYTES -> writeBytes(out.write(TAG_BYTES), v.asBytes());
            case TIMESTAMP -> out.write(TAG_TIMESTAMP).writeLong(v.asTimestampMicros());
            case UNKNOWN -> throw new IllegalStateException("a stored column has no type");
        }
    }

    /**
     * Decodes the row value that starts at {@code offset} into {@code row}: column id c goes to
     * {@code row[positions.applyAsInt(c)]}. A column whose position is negative (not in the
     * table any more) or not in {@code wanted} (null: every position) is skipped undecoded, so
     * a reader that needs two columns of ten builds no strings for the other eight.
     */
    public static void decodeInto(byte[] bytes, int offset, IntUnaryOperator positions, BitSet wanted, Value[] row) {
        ByteSource in = new ByteSource(bytes, offset);
        while (in.hasMore()) {
            int columnId = (int) KeyEncoding.decodeUvarint(in);
            int tag = in.read();
            int p = positions.applyAsInt(columnId);
            if (p >= 0 && (wanted == null || wanted.get(p))) {
                row[p] = value(in, tag, columnId);
            } else {
                skip(in, tag, columnId);
            }
        }
    }

    private static Value value(ByteSource in, int tag, int columnId) {
        return switch (tag) {
            case TAG_INT -> Value.ofInt(in.readLong());
            case TAG_FLOAT -> Value.ofFloat(Double.longBitsToDouble(in.readLong()));
            case TAG_DECIMAL -> {
                int scale = unZigZag(KeyEncoding.decodeUvarint(in));
                int length = (int) KeyEncoding.decodeUvarint(in);
                yield Value.ofDecimal(new BigDecimal(new BigInteger(in.read(length)), scale));
            }
            case TAG_STRING -> Value.ofString(in.readUtf8(length(in)));
            case TAG_BOOL -> Value.ofBool(in.read() != 0);
            case TAG_BYTES -> Value.ofBytes(in.read(length(in)));
            case TAG_TIMESTAMP -> Value.ofTimestampMicros(in.readLong());
            default -> throw unknownTag(tag, columnId);
        };
    }

    private static void skip(ByteSource in, int tag, int columnId) {
        switch (tag) {
            case TAG_INT, TAG_FLOAT, TAG_TIMESTAMP -> in.skip(8);
            case TAG_DECIMAL -> {
                KeyEncoding.decodeUvarint(in);
                in.skip(length(in));
            }
            case TAG_STRING, TAG_BYTES -> in.skip(length(in));
            case TAG_BOOL -> in.skip(1);
            default -> throw unknownTag(tag, columnId);
        }
    }

    private static CorruptDataException unknownTag(int tag, int columnId) {
        return new CorruptDataException("unknown row value tag " + tag + " for column " + columnId);
    }

    private static void writeBytes(ByteSink out, byte[] bytes) {
        KeyEncoding.encodeUvarint(out, bytes.length);
        out.write(bytes);
    }

    private static int length(ByteSource in) {
        long length = KeyEncoding.decodeUvarint(in);
        if (length > Integer.MAX_VALUE) {
            throw new CorruptDataException("stored column of " + length + " bytes");
        }
        return (int) length;
    }

    private static long zigZag(int v) {
        return ((v << 1) ^ (v >> 31)) & 0xffffffffL;
    }

    private static int unZigZag(long v) {
        int n = (int) v;
        return (n >>> 1) ^ -(n & 1);
    }
}

package io.conclave.sql.encoding;

import io.conclave.sql.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The order-preserving, prefix-free key encoding: for any two values {@code a, b} of one family,
 * {@code compareUnsigned(encode(a), encode(b))} has the sign of {@code a.compareTo(b)}, and no
 * encoding is a proper prefix of another, so concatenated columns compare column by column.
 *
 * <pre>
 *   NULL       0x00                        (first, ascending)
 *   INT        0x20 + 8 bytes big-endian, sign bit flipped
 *   FLOAT      0x21 + 8 bytes: IEEE bits, all flipped if negative else sign bit flipped
 *   DECIMAL    0x22 + 0x01 negative | 0x02 zero | 0x03 positive, then for non-zero values the
 *              exponent (8 bytes, sign flipped) and the significant digits as ASCII ended by
 *              0x00; every byte after the class byte inverted for negatives
 *   STRING     0x23 + UTF-8 with 0x00 escaped as 0x00 0xFF, ended by 0x00 0x01
 *   BOOL       0x24 + 0x00 false | 0x01 true
 *   BYTES      0x25 + like STRING
 *   TIMESTAMP  0x26 + 8 bytes micros, sign bit flipped
 * </pre>
 *
 * Each family has its own marker so a key prints without its schema (EXPLAIN, SHOW RANGES).
 * Strings order by code point (UTF-8 byte order), which is what {@link Value#compareTo} uses.
 */
public final class KeyEncoding {
    static final int NULL_MARKER = 0x00;
    static final int INT_MARKER = 0x20;
    static final int FLOAT_MARKER = 0x21;
    static final int DECIMAL_MARKER = 0x22;
    static final int STRING_MARKER = 0x23;
    static final int BOOL_MARKER = 0x24;
    static final int BYTES_MARKER = 0x25;
    static final int TIMESTAMP_MARKER = 0x26;

    private static final int ESCAPE = 0x00;
    private static final int ESCAPED_ZERO = 0xff;
    private static final int TERMINATOR = 0x01;

    private KeyEncoding() {}

    public static void encode(ByteSink out, Value v) {
        if (v.isNull()) {
            out.write(NULL_MARKER);
            return;
        }
        switch (v.family()) {
            case INT -> out.write(INT_MARKER).writeLong(v.asLong() ^ Long.MIN_VALUE);
            case FLOAT -> out.write(FLOAT_MARKER).writeLong(orderedDoubleBits(v.asDouble()));
            case DECIMAL -> encodeDecimal(out, v.asDecimal());
            case STRING -> encodeEscaped(out.write(STRING_MARKER), v.asString().getBytes(StandardCharsets.UTF_8));
            case BOOL -> out.write(BOOL_MARKER).write(v.asBool() ? 1 : 0);
            case BYTES -> encodeEscaped(out.write(BYTES_MARKER), v.asBytes());
            case TIMESTAMP -> out.write(TIMESTAMP_MARKER).writeLong(v.asTimestampMicros() ^ Long.MIN_VALUE);
            case UNKNOWN -> throw new IllegalStateException("a key column has no type");
        }
    }

    public static byte[] encode(Value v) {
        ByteSink out = new ByteSink(16);
        encode(out, v);
        return out.toByteArray();
    }

    /** Decodes one value; its family comes from the marker byte. */
    public static Value decode(ByteSource in) {
        int marker = in.read();
        return switch (marker) {
            case NULL_MARKER -> Value.NULL;
            case INT_MARKER -> Value.ofInt(in.readLong() ^ Long.MIN_VALUE);
            case FLOAT_MARKER -> Value.ofFloat(doubleFromOrderedBits(in.readLong()));
            case DECIMAL_MARKER -> Value.ofDecimal(decodeDecimal(in));
            case STRING_MARKER -> Value.ofString(new String(decodeEscaped(in), StandardCharsets.UTF_8));
            case BOOL_MARKER -> Value.ofBool(in.read() != 0);
            case BYTES_MARKER -> Value.ofBytes(decodeEscaped(in));
            case TIMESTAMP_MARKER -> Value.ofTimestampMicros(in.readLong() ^ Long.MIN_VALUE);
            default -> throw new CorruptDataException("unknown key marker 0x"
                    + Integer.toHexString(marker) + " at byte " + (in.position() - 1));
        };
    }

    /** Whether the next byte starts a key column value (not the end of the key). */
    public static boolean isValueMarker(int b) {
        return b == NULL_MARKER || (b >= INT_MARKER && b <= TIMESTAMP_MARKER);
    }

    // ---- unsigned varints that order like the numbers: a length byte, then the bytes ----

    public static void encodeUvarint(ByteSink out, long v) {
        if (v < 0) {
            throw new IllegalArgumentException("ordered uvarint needs a non-negative value, got " + v);
        }
        int length = (64 - Long.numberOfLeadingZeros(v) + 7) / 8;
        out.write(length);
        for (int i = length - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    public static long decodeUvarint(ByteSource in) {
        int length = in.read();
        if (length > 8) {
            throw new CorruptDataException("ordered uvarint length " + length + " exceeds 8");
        }
        long v = 0;
        for (int i = 0; i < length; i++) {
            v = (v << 8) | in.read();
        }
        return v;
    }

    // ---- families ----

    static long orderedDoubleBits(double d) {
        long bits = Double.doubleToLongBits(d == 0.0 ? 0.0 : d);
        return bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
    }

    static double doubleFromOrderedBits(long ordered) {
        long bits = ordered < 0 ? ordered ^ Long.MIN_VALUE : ~ordered;
        return Double.longBitsToDouble(bits);
    }

    private static void encodeDecimal(ByteSink out, BigDecimal d) {
        out.write(DECIMAL_MARKER);
        int sign = d.signum();
        if (sign == 0) {
            out.write(0x02);
            return;
        }
        BigDecimal normalized = d.stripTrailingZeros();
        BigInteger unscaled = normalized.unscaledValue().abs();
        String digits = unscaled.toString();
        long exponent = (long) digits.length() - normalized.scale();
        ByteSink body = new ByteSink(digits.length() + 10);
        body.writeLong(exponent ^ Long.MIN_VALUE);
        body.write(digits.getBytes(StandardCharsets.US_ASCII));
        body.write(0x00);
        byte[] bytes = body.toByteArray();
        if (sign < 0) {
            out.write(0x01);
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) ~bytes[i];
            }
        } else {
            out.write(0x03);
        }
        out.write(bytes);
    }

    private static BigDecimal decodeDecimal(ByteSource in) {
        int signClass = in.read();
        if (signClass == 0x02) {
            return BigDecimal.ZERO;
        }
        if (signClass != 0x01 && signClass != 0x03) {
            throw new CorruptDataException("bad decimal sign class " + signClass);
        }
        int flip = signClass == 0x01 ? 0xff : 0x00;
        long exponent = 0;
        for (int i = 0; i < 8; i++) {
            exponent = (exponent << 8) | (in.read() ^ flip);
        }
        exponent ^= Long.MIN_VALUE;
        StringBuilder digits = new StringBuilder();
        for (int b = in.read() ^ flip; b != 0; b = in.read() ^ flip) {
            digits.append((char) b);
        }
        BigDecimal magnitude = new BigDecimal(new BigInteger(digits.toString()),
                (int) (digits.length() - exponent));
        return signClass == 0x01 ? magnitude.negate() : magnitude;
    }

    private static void encodeEscaped(ByteSink out, byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                out.write(ESCAPE).write(ESCAPED_ZERO);
            } else {
                out.write(b);
            }
        }
        out.write(ESCAPE).write(TERMINATOR);
    }

    private static byte[] decodeEscaped(ByteSource in) {
        ByteSink out = new ByteSink(16);
        while (true) {
            int b = in.read();
            if (b != ESCAPE) {
                out.write(b);
                continue;
            }
            int next = in.read();
            if (next == TERMINATOR) {
                return out.toByteArray();
            }
            if (next != ESCAPED_ZERO) {
                throw new CorruptDataException("bad escape 0x00 0x" + Integer.toHexString(next));
            }
            out.write(0);
        }
    }

    /** The smallest key greater than every key that starts with {@code prefix}; null if none. */
    public static byte[] prefixEnd(byte[] prefix) {
        byte[] end = Arrays.copyOf(prefix, prefix.length);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        return null;
    }
}

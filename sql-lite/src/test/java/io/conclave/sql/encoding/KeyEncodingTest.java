package io.conclave.sql.encoding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.sql.SqlType.Family;
import io.conclave.sql.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Seeded property tests: key order equals value order, keys are prefix-free, and round-trip. */
class KeyEncodingTest {
    private static final long SEED = Long.getLong("sql.seed", 20261126L);
    private static final int PAIRS = 4_000;

    @Test
    void orderMatchesValueOrderForEveryFamily() {
        for (Family family : List.of(Family.INT, Family.FLOAT, Family.DECIMAL, Family.STRING, Family.BOOL,
                Family.BYTES, Family.TIMESTAMP)) {
            SplittableRandom random = new SplittableRandom(SEED + family.ordinal());
            for (int i = 0; i < PAIRS; i++) {
                Value a = randomValue(random, family);
                Value b = randomValue(random, family);
                byte[] ka = KeyEncoding.encode(a);
                byte[] kb = KeyEncoding.encode(b);
                int byValue = Integer.signum(a.compareTo(b));
                int byKey = Integer.signum(Arrays.compareUnsigned(ka, kb));
                if (byValue != byKey) {
                    fail("seed " + SEED + " (-Dsql.seed=" + SEED + "): " + family + " " + a + " vs " + b
                            + " value order " + byValue + " key order " + byKey);
                }
                if (byValue != 0) {
                    assertFalse(isPrefix(ka, kb) || isPrefix(kb, ka), "seed " + SEED + ": prefix " + a + " / " + b);
                }
                assertEquals(a, KeyEncoding.decode(new ByteSource(ka)), "seed " + SEED + ": round trip of " + a);
            }
        }
    }

    @Test
    void compositeKeysCompareColumnByColumn() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < PAIRS; i++) {
            List<Value> a = List.of(randomValue(random, Family.STRING), randomValue(random, Family.INT));
            List<Value> b = List.of(random.nextInt(4) == 0 ? a.get(0) : randomValue(random, Family.STRING),
                    randomValue(random, Family.INT));
            int byValue = a.get(0).compareTo(b.get(0));
            if (byValue == 0) {
                byValue = a.get(1).compareTo(b.get(1));
            }
            int byKey = Arrays.compareUnsigned(TableKeys.key(100, 1, a), TableKeys.key(100, 1, b));
            assertEquals(Integer.signum(byValue), Integer.signum(byKey), "seed " + SEED + ": " + a + " vs " + b);
        }
    }

    @Test
    void uvarintOrdersLikeTheNumbers() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < PAIRS; i++) {
            long a = random.nextLong(Long.MAX_VALUE) >>> random.nextInt(63);
            long b = random.nextLong(Long.MAX_VALUE) >>> random.nextInt(63);
            ByteSink sa = new ByteSink();
            ByteSink sb = new ByteSink();
            KeyEncoding.encodeUvarint(sa, a);
            KeyEncoding.encodeUvarint(sb, b);
            assertEquals(Long.signum(Long.compare(a, b)),
                    Integer.signum(Arrays.compareUnsigned(sa.toByteArray(), sb.toByteArray())), "seed " + SEED + ": " + a + " vs " + b);
            assertEquals(a, KeyEncoding.decodeUvarint(new ByteSource(sa.toByteArray())));
        }
    }

    private static final Family[] FAMILIES =
            {Family.INT, Family.FLOAT, Family.DECIMAL, Family.STRING, Family.BOOL, Family.BYTES, Family.TIMESTAMP};

    /** Appends one random value per family (in order, or of random families) as column ids 1, 2, ...; returns them. */
    private static List<Value> encodeRandomRow(SplittableRandom random, boolean shuffled, ByteSink out) {
        List<Value> values = new ArrayList<>();
        for (int c = 0; c < FAMILIES.length; c++) {
            Value v = randomValue(random, FAMILIES[shuffled ? random.nextInt(FAMILIES.length) : c]);
            values.add(v);
            RowCodec.encodeColumn(out, c + 1, v);
        }
        return values;
    }

    @Test
    void rowValuesRoundTrip() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 500; i++) {
            ByteSink out = new ByteSink();
            List<Value> values = encodeRandomRow(random, false, out);
            Value[] decoded = new Value[FAMILIES.length];
            Arrays.fill(decoded, Value.NULL);
            RowCodec.decodeInto(out.toByteArray(), 0, id -> id - 1, null, decoded);
            for (int c = 0; c < FAMILIES.length; c++) {
                Value expected = values.get(c);
                assertEquals(expected, decoded[c], "seed " + SEED + ": column " + c);
            }
        }
    }

    /**
     * Decoding into a row with only some positions wanted gives exactly those columns (the
     * others stay as they were), skips every family's payload correctly, and skips column ids
     * the table no longer has.
     */
    @Test
    void rowValuesDecodeOnlyTheWantedPositions() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 500; i++) {
            ByteSink out = new ByteSink();
            out.write(0x7f); // a format byte before the columns, as a stored row has
            List<Value> values = encodeRandomRow(random, true, out);
            BitSet wanted = new BitSet();
            for (int c = 0; c < FAMILIES.length; c++) {
                if (random.nextBoolean()) {
                    wanted.set(c);
                }
            }
            int dropped = random.nextInt(FAMILIES.length + 1); // column id `dropped` is not in the table
            Value[] row = new Value[FAMILIES.length];
            Arrays.fill(row, Value.ofString("untouched"));
            RowCodec.decodeInto(out.toByteArray(), 1, id -> id == dropped ? -1 : id - 1, wanted, row);
            for (int c = 0; c < FAMILIES.length; c++) {
                boolean decoded = wanted.get(c) && c + 1 != dropped && !values.get(c).isNull();
                assertEquals(decoded ? values.get(c) : Value.ofString("untouched"), row[c],
                        "seed " + SEED + ": column " + c + " wanted " + wanted + " dropped " + dropped);
            }
        }
        byte[] corrupt = {5, 9, 0};
        assertThrows(CorruptDataException.class,
                () -> RowCodec.decodeInto(corrupt, 0, id -> 0, new BitSet(), new Value[1]));
    }

    @Test
    void prettyPrintsTableKeys() {
        byte[] key = TableKeys.key(104, 1, List.of(Value.ofInt(5), Value.ofString("a")));
        assertEquals("/Table/104/1/5/'a'", TableKeys.pretty(key));
        assertEquals("/Table/104", TableKeys.pretty(TableKeys.tablePrefix(104)));
    }

    static Value randomValue(SplittableRandom random, Family family) {
        if (random.nextInt(20) == 0) {
            return Value.NULL;
        }
        return switch (family) {
            case INT -> Value.ofInt(switch (random.nextInt(4)) {
                case 0 -> random.nextLong();
                case 1 -> random.nextInt(200) - 100;
                case 2 -> random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
                default -> random.nextInt();
            });
            case FLOAT -> Value.ofFloat(switch (random.nextInt(6)) {
                case 0 -> Double.longBitsToDouble(random.nextLong());
                case 1 -> random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                case 2 -> random.nextBoolean() ? 0.0 : -0.0;
                case 3 -> Double.NaN;
                default -> (random.nextDouble() - 0.5) * random.nextInt(1, 1000);
            });
            case DECIMAL -> {
                BigDecimal d = BigDecimal.valueOf(random.nextLong() >> random.nextInt(64), random.nextInt(-20, 20));
                yield Value.ofDecimal(random.nextInt(5) == 0 ? d.setScale(Math.max(d.scale(), 0) + 3) : d);
            }
            case STRING -> {
                StringBuilder s = new StringBuilder();
                int length = random.nextInt(6);
                for (int i = 0; i < length; i++) {
                    int kind = random.nextInt(5);
                    s.appendCodePoint(switch (kind) {
                        case 0 -> 0;
                        case 1 -> 'a' + random.nextInt(3);
                        case 2 -> 0xE000 + random.nextInt(0x1000);
                        case 3 -> 0x1F600 + random.nextInt(16);
                        default -> random.nextInt(1, 0x7FF);
                    });
                }
                yield Value.ofString(s.toString());
            }
            case BOOL -> Value.ofBool(random.nextBoolean());
            case BYTES -> {
                byte[] b = new byte[random.nextInt(5)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(2) * 0xff : random.nextInt(256));
                }
                yield Value.ofBytes(b);
            }
            case TIMESTAMP -> Value.ofTimestampMicros(random.nextLong() >> random.nextInt(20));
            default -> throw new IllegalArgumentException(family.name());
        };
    }

    private static boolean isPrefix(byte[] a, byte[] b) {
        return a.length < b.length && Arrays.equals(a, 0, a.length, b, 0, a.length);
    }
}

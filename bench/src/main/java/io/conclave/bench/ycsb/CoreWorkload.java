package io.conclave.bench.ycsb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The state one run shares between its threads (the load counter, the run phase's acknowledged
 * insert counter, the zeta of {@code latest}) and the per-thread {@link Worker}s that draw
 * operations and keys exactly as YCSB's {@code CoreWorkload} does.
 */
final class CoreWorkload {
    /** Draws of a key chooser above the acknowledged limit before giving up (YCSB loops forever). */
    static final int MAX_KEY_REJECTIONS = 100_000;

    final WorkloadConfig config;
    private final CounterGenerator loadSequence;
    private final AcknowledgedCounterGenerator insertSequence;
    private final long expectedNewKeys;
    private final double latestZeta;
    private final List<String> fieldNames;

    /**
     * @param expectedOperations how many run-phase operations to size the zipfian key space for:
     *     YCSB makes room for twice the expected inserts, so fresh keys can be chosen too
     */
    CoreWorkload(WorkloadConfig config, long expectedOperations) {
        this.config = config;
        this.loadSequence = new CounterGenerator(config.insertStart());
        this.insertSequence = new AcknowledgedCounterGenerator(config.recordCount());
        this.expectedNewKeys = (long) (expectedOperations * config.insertProportion() * 2.0);
        this.latestZeta = config.requestDistribution() == WorkloadConfig.RequestDistribution.LATEST
                ? ZipfianGenerator.zeta(config.recordCount() - 1, ZipfianGenerator.ZIPFIAN_CONSTANT) : 0;
        this.fieldNames = config.fieldNames();
    }

    /** YCSB's key name: {@code user} + the (hashed, with insertorder=hashed) key number, zero padded. */
    String keyName(long keyNumber) {
        long n = config.insertOrder() == WorkloadConfig.InsertOrder.HASHED ? Fnv.hash64(keyNumber) : keyNumber;
        String digits = Long.toString(n);
        int fill = config.zeroPadding() - digits.length();
        return fill > 0 ? "user" + "0".repeat(fill) + digits : "user" + digits;
    }

    /** The next load-phase key number, or -1 when all {@code insertcount} records have been handed out. */
    long nextLoadKey() {
        long k = loadSequence.nextValue(null);
        return k < config.insertStart() + config.insertCount() ? k : -1;
    }

    /** The acknowledged limit of run-phase inserts (the highest key number every reader may choose). */
    long acknowledgedLimit() {
        return insertSequence.lastValue();
    }

    Worker worker(SplittableRandom random) {
        return new Worker(random);
    }

    /** One thread's generators; not thread-safe. */
    final class Worker {
        final SplittableRandom random;
        private final NumberGenerator keyChooser;
        private final NumberGenerator fieldChooser;
        private final NumberGenerator scanLength;
        private final double[] weights;

        private Worker(SplittableRandom random) {
            this.random = random;
            long start = config.insertStart();
            long count = config.insertCount();
            this.keyChooser = switch (config.requestDistribution()) {
                case UNIFORM -> new UniformLongGenerator(start, start + count - 1);
                case ZIPFIAN -> new ScrambledZipfianGenerator(start, start + count + expectedNewKeys);
                case LATEST -> new SkewedLatestGenerator(insertSequence, latestZeta);
            };
            this.fieldChooser = new UniformLongGenerator(0, config.fieldCount() - 1);
            this.scanLength = config.scanLengthDistribution() == WorkloadConfig.ScanLengthDistribution.UNIFORM
                    ? new UniformLongGenerator(config.minScanLength(), config.maxScanLength())
                    : new ZipfianGenerator(config.minScanLength(), config.maxScanLength());
            double sum = config.proportionSum();
            this.weights = new double[] {config.readProportion() / sum, config.updateProportion() / sum,
                    config.insertProportion() / sum, config.scanProportion() / sum,
                    config.readModifyWriteProportion() / sum};
        }

        /** YCSB's {@code DiscreteGenerator}: one uniform draw walked through the normalised weights. */
        Operation nextOperation() {
            double u = random.nextDouble();
            Operation[] ops = Operation.values();
            Operation lastNonZero = null;
            for (int i = 0; i < ops.length; i++) {
                if (weights[i] <= 0) continue;
                if (u < weights[i]) return ops[i];
                u -= weights[i];
                lastNonZero = ops[i];
            }
            return lastNonZero; // rounding left u just above the last weight
        }

        /** A key number no greater than the acknowledged insert limit (YCSB's {@code nextKeynum}). */
        long nextKeyNumber() {
            long limit = insertSequence.lastValue();
            for (int i = 0; i < MAX_KEY_REJECTIONS; i++) {
                long k = keyChooser.nextValue(random);
                if (k <= limit) return k;
            }
            throw new IllegalStateException("the key chooser drew " + MAX_KEY_REJECTIONS
                    + " keys above the acknowledged insert limit " + limit + " in a row");
        }

        /** The fields a read or scan asks for: all (null) or one at random. */
        Set<String> readFields() {
            if (config.readAllFields()) return null;
            Set<String> one = new HashSet<>(2);
            one.add(fieldNames.get((int) fieldChooser.nextValue(random)));
            return one;
        }

        /** The values an update writes: every field or one at random. */
        Map<String, byte[]> updateValues() {
            if (config.writeAllFields()) return allValues();
            Map<String, byte[]> one = new LinkedHashMap<>(2);
            one.put(fieldNames.get((int) fieldChooser.nextValue(random)), value());
            return one;
        }

        /** A whole new record. */
        Map<String, byte[]> allValues() {
            Map<String, byte[]> values = new LinkedHashMap<>(fieldNames.size() * 2);
            for (String f : fieldNames) values.put(f, value());
            return values;
        }

        int scanLength() {
            return (int) scanLength.nextValue(random);
        }

        long nextInsertKey() {
            return insertSequence.nextValue(random);
        }

        void acknowledgeInsert(long keyNumber) {
            insertSequence.acknowledge(keyNumber);
        }

        /** Printable ASCII (space to underscore), six random bits per byte, like YCSB's RandomByteIterator. */
        private byte[] value() {
            int length = config.fieldLengthDistribution() == WorkloadConfig.FieldLengthDistribution.CONSTANT
                    ? config.fieldLength() : 1 + random.nextInt(config.fieldLength());
            byte[] out = new byte[length];
            long bits = 0;
            for (int i = 0; i < length; i++) {
                if (i % 10 == 0) bits = random.nextLong();
                out[i] = (byte) (' ' + (bits & 63));
                bits >>>= 6;
            }
            return out;
        }

        /**
         * Runs one operation against {@code target}. A read-modify-write is a read then an update
         * of the same key and is one operation here (YCSB also counts its read and update apart).
         * An attempt that fails with a retryable status runs again, up to {@code retries} more
         * times, on the same key with the same values; {@code onRetry} hears of each such failure.
         */
        Status execute(Operation op, Target target, int retries, Consumer<Status> onRetry) {
            String table = config.table();
            switch (op) {
                case READ: {
                    String key = keyName(nextKeyNumber());
                    Set<String> fields = readFields();
                    return attempts(retries, onRetry, () -> target.read(table, key, fields, new LinkedHashMap<>()));
                }
                case UPDATE: {
                    String key = keyName(nextKeyNumber());
                    Map<String, byte[]> values = updateValues();
                    return attempts(retries, onRetry, () -> target.update(table, key, values));
                }
                case SCAN: {
                    String key = keyName(nextKeyNumber());
                    int length = scanLength();
                    Set<String> fields = readFields();
                    return attempts(retries, onRetry, () -> target.scan(table, key, length, fields, new ArrayList<>()));
                }
                case READ_MODIFY_WRITE: {
                    String key = keyName(nextKeyNumber());
                    Set<String> fields = readFields();
                    Map<String, byte[]> values = updateValues();
                    return attempts(retries, onRetry, () -> {
                        Status read = target.read(table, key, fields, new LinkedHashMap<>());
                        return read.isOk() ? target.update(table, key, values) : read;
                    });
                }
                case INSERT: {
                    long k = nextInsertKey();
                    String key = keyName(k);
                    Map<String, byte[]> values = allValues();
                    try {
                        return attempts(retries, onRetry, () -> target.insert(table, key, values));
                    } finally {
                        acknowledgeInsert(k);
                    }
                }
                default:
                    throw new IllegalStateException("unknown operation " + op);
            }
        }

        private static Status attempts(int retries, Consumer<Status> onRetry, Supplier<Status> attempt) {
            Status s = attempt.get();
            for (int left = retries; !s.isOk() && s.retryable() && left > 0; left--) {
                onRetry.accept(s);
                s = attempt.get();
            }
            return s;
        }
    }

    static String text(byte[] value) {
        return new String(value, StandardCharsets.ISO_8859_1);
    }
}

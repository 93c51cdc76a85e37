package io.conclave.sql.exec;

import io.conclave.range.mvcc.ScanFilter;
import io.conclave.range.mvcc.ScanFilterException;
import io.conclave.sql.SqlException;
import io.conclave.sql.SqlType;
import io.conclave.sql.Value;
import io.conclave.sql.catalog.ColumnDescriptor;
import io.conclave.sql.catalog.DescriptorCodec;
import io.conclave.sql.catalog.TableDescriptor;
import io.conclave.sql.encoding.ByteSink;
import io.conclave.sql.encoding.ByteSource;
import io.conclave.sql.encoding.KeyEncoding;
import io.conclave.sql.encoding.RowCodec;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * SQL's scan filter: a WHERE (the conjuncts that can travel) and a projection (the columns the
 * statement uses) evaluated at the range on each stored row of a primary-index scan, so only
 * matching rows, and only their needed columns, leave it. The node registers {@link #factory()}
 * with its ranges under {@link #KIND}; the planner builds the specification.
 *
 * <p>Specification: format byte, the table's descriptor ({@link DescriptorCodec}), a flag and the
 * filter ({@link FilterCodec}) over the table's row positions, a flag and the positions whose
 * stored columns to keep. The descriptor travels with every request, so a range evaluates
 * exactly the schema the statement planned with. A projected value has the row format, with
 * the columns left out read as NULL; the gateway never reads a column it did not ask for.
 *
 * <p>A filter that fails on a row (22012 division by zero, 22003 out of range) fails the
 * request; the gateway then reads the span without the filter and evaluates it itself, so the
 * statement fails exactly when, and with the error that, it would without pushdown (the row
 * may be one the transaction has deleted, or one a LIMIT would never have reached).
 */
public final class RowFilters {
    /** The kind name requests carry; the same on every node. */
    public static final String KIND = "sql-row";
    /** Larger specifications (a huge IN list) are not pushed: each request carries one. */
    static final int MAX_SPEC_BYTES = 64 * 1024;
    /** Compiled filters kept per node: a statement's requests share one spec, decoded once. */
    static final int CACHED_FILTERS = 256;

    private static final int FORMAT = 1;

    private RowFilters() {}

    /** The factory a node registers with its ranges. Thread-safe. */
    public static ScanFilter.Factory factory() {
        return new Factory();
    }

    /**
     * The specification of {@code filter} (null: none; every node pushable) and the columns at
     * {@code keep} (null: all) over {@code table}'s rows; null if it would exceed
     * {@link #MAX_SPEC_BYTES}.
     */
    static byte[] spec(TableDescriptor table, BoundExpr filter, BitSet keep) {
        ByteSink out = new ByteSink(256);
        out.write(FORMAT);
        byte[] descriptor = DescriptorCodec.encode(table);
        KeyEncoding.encodeUvarint(out, descriptor.length);
        out.write(descriptor);
        out.write(filter == null ? 0 : 1);
        if (filter != null) {
            FilterCodec.encode(out, filter);
        }
        out.write(keep == null ? 0 : 1);
        if (keep != null) {
            KeyEncoding.encodeUvarint(out, keep.cardinality());
            for (int p = keep.nextSetBit(0); p >= 0; p = keep.nextSetBit(p + 1)) {
                KeyEncoding.encodeUvarint(out, p);
            }
        }
        return out.length() > MAX_SPEC_BYTES ? null : out.toByteArray();
    }

    /** {@code descriptors} decodes the table descriptor's bytes (a cache may answer). */
    static Compiled compile(byte[] spec, Function<byte[], TableDescriptor> descriptors) {
        if (spec.length > MAX_SPEC_BYTES) {
            throw new ScanFilterException("a filter of " + spec.length + " bytes exceeds " + MAX_SPEC_BYTES);
        }
        try {
            ByteSource in = new ByteSource(spec);
            int format = in.read();
            if (format != FORMAT) {
                throw new ScanFilterException("unknown filter format " + format);
            }
            long length = KeyEncoding.decodeUvarint(in);
            if (length > spec.length) {
                throw new ScanFilterException("filter descriptor of " + length + " bytes");
            }
            TableDescriptor table = descriptors.apply(in.read((int) length));
            int columns = table.columns().size();
            BoundExpr filter = in.read() == 0 ? null : FilterCodec.decode(in, columns);
            BitSet keep = null;
            if (in.read() != 0) {
                keep = new BitSet();
                long n = KeyEncoding.decodeUvarint(in);
                for (long i = 0; i < n; i++) {
                    long p = KeyEncoding.decodeUvarint(in);
                    if (p >= columns) {
                        throw new ScanFilterException("projected column " + p + " of a table of " + columns);
                    }
                    keep.set((int) p);
                }
            }
            if (in.hasMore()) {
                throw new ScanFilterException("filter specification has trailing bytes");
            }
            return new Compiled(table, filter, keep, decoded(filter, keep));
        } catch (RuntimeException e) {
            if (e instanceof ScanFilterException f) {
                throw f;
            }
            throw new ScanFilterException("unreadable filter specification: " + e.getMessage(), e);
        }
    }

    /** The positions a row needs decoded: those the filter reads, and those kept (all when {@code keep} is null, but then the stored value is passed on whole). */
    private static BitSet decoded(BoundExpr filter, BitSet keep) {
        BitSet out = new BitSet();
        if (filter != null) {
            QueryPlanner.collectColumns(filter, out);
        }
        if (keep != null) {
            out.or(keep);
        }
        return out;
    }

    /**
     * One decoded specification: evaluated on the scheduler thread, holds no mutable state.
     * {@code decoded} are the positions {@link #apply} decodes; the others are skipped.
     */
    record Compiled(TableDescriptor table, BoundExpr filter, BitSet keep, BitSet decoded) implements ScanFilter {
        @Override
        public byte[] apply(byte[] key, byte[] value) {
            Value[] row = TableIo.decodeRow(table, key, value, decoded);
            if (filter != null) {
                try {
                    if (!QueryRunner.isTrue(filter.eval(row))) {
                        return null;
                    }
                } catch (SqlException e) {
                    throw new ScanFilterException(e.sqlState() + ": " + e.getMessage(), e);
                }
            }
            return keep == null ? value : project(row);
        }

        /** The row value with only the kept columns that live in the value (not those in the key). */
        private byte[] project(Value[] row) {
            ByteSink out = new ByteSink(32);
            out.write(TableIo.ROW_FORMAT);
            List<ColumnDescriptor> columns = table.columns();
            for (int p = keep.nextSetBit(0); p >= 0; p = keep.nextSetBit(p + 1)) {
                ColumnDescriptor c = columns.get(p);
                if (!table.isKeyColumn(c.id()) || c.type().family() == SqlType.Family.DECIMAL) {
                    RowCodec.encodeColumn(out, c.id(), row[p]);
                }
            }
            return out.toByteArray();
        }
    }

    private static final class Factory implements ScanFilter.Factory {
        private final Map<ByteBuffer, Compiled> compiled = lru();
        /**
         * Decoded descriptors by their bytes. A spec that binds a constant (a scan from a given
         * key) is new with every statement, but its table's descriptor is not: decoding it was
         * most of a compile.
         */
        private final Map<ByteBuffer, TableDescriptor> descriptors = lru();

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public ScanFilter compile(byte[] spec) {
            return cached(compiled, ByteBuffer.wrap(spec.clone()), () -> RowFilters.compile(spec,
                    bytes -> cached(descriptors, ByteBuffer.wrap(bytes), () -> DescriptorCodec.decode(bytes))));
        }

        /** At most {@link #CACHED_FILTERS} entries, the least recently used dropped first; guarded by itself. */
        private static <V> Map<ByteBuffer, V> lru() {
            return new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<ByteBuffer, V> eldest) {
                    return size() > CACHED_FILTERS;
                }
            };
        }

        /** The value cached under {@code key}, else {@code make}'s, computed outside the lock and then cached. */
        private static <V> V cached(Map<ByteBuffer, V> cache, ByteBuffer key, Supplier<V> make) {
            synchronized (cache) {
                V hit = cache.get(key);
                if (hit != null) {
                    return hit;
                }
            }
            V value = make.get();
            synchronized (cache) {
                cache.put(key, value);
            }
            return value;
        }
    }
}

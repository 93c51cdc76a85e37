package io.conclave.txn;

import java.util.Arrays;

/**
 * How {@link Txn#scan(byte[], byte[], ScanOptions, java.util.function.Predicate)} reads a span.
 *
 * @param parallelism most ranges asked at once (a round of requests, reassembled in key order);
 *     1 reads range by range. Bounded by {@link #MAX_PARALLELISM}.
 * @param rowsWanted when positive, the caller will stop after about this many rows: the scan then
 *     goes range by range and asks each range for no more than are still wanted, since a fan-out
 *     would read up to {@code parallelism} times the rows needed. 0: the whole span.
 * @param filterKind a scan filter registered on the nodes ({@code io.conclave.range.mvcc.ScanFilter}),
 *     or "" for none
 * @param filter the filter's opaque specification (empty when there is none)
 */
public record ScanOptions(int parallelism, int rowsWanted, String filterKind, byte[] filter) {
    /**
     * Ranges asked at once by default: enough to hide a few round trips behind each other on a
     * table of many ranges, few enough that one statement does not flood the nodes.
     */
    public static final int DEFAULT_PARALLELISM = 8;
    /** The most a caller may ask for: each request in flight holds up to a page of rows in memory. */
    public static final int MAX_PARALLELISM = 64;

    /** The whole span, {@link #DEFAULT_PARALLELISM} ranges at a time, unfiltered. */
    public static final ScanOptions DEFAULT = new ScanOptions(DEFAULT_PARALLELISM, 0, "", new byte[0]);

    public ScanOptions {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("scan parallelism must be in [1, " + MAX_PARALLELISM + "], was "
                    + parallelism);
        }
        if (rowsWanted < 0) throw new IllegalArgumentException("rowsWanted must be >= 0, was " + rowsWanted);
        if (filterKind == null || filter == null) {
            throw new IllegalArgumentException("filterKind and filter must be set (\"\" and an empty array for none)");
        }
        if (filterKind.isEmpty() && filter.length > 0) {
            throw new IllegalArgumentException("a filter specification needs a filter kind");
        }
        filter = filter.clone();
    }

    /** Range by range, asking for at most {@code rowsWanted} rows (0: all). */
    public static ScanOptions sequential(int rowsWanted) {
        return new ScanOptions(1, rowsWanted, "", new byte[0]);
    }

    /** These options with the filter of {@code kind} described by {@code spec}. */
    public ScanOptions withFilter(String kind, byte[] spec) {
        if (kind == null || kind.isEmpty()) throw new IllegalArgumentException("a filter needs a kind");
        return new ScanOptions(parallelism, rowsWanted, kind, spec);
    }

    public boolean hasFilter() {
        return !filterKind.isEmpty();
    }

    @Override
    public byte[] filter() {
        return filter.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScanOptions s && s.parallelism == parallelism && s.rowsWanted == rowsWanted
                && s.filterKind.equals(filterKind) && Arrays.equals(s.filter, filter);
    }

    @Override
    public int hashCode() {
        return (31 * parallelism + rowsWanted) * 31 + filterKind.hashCode() * 17 + Arrays.hashCode(filter);
    }

    @Override
    public String toString() {
        return "ScanOptions[parallelism=" + parallelism + ", rowsWanted=" + rowsWanted
                + (hasFilter() ? ", filter=" + filterKind + "(" + filter.length + " bytes)" : "") + "]";
    }
}

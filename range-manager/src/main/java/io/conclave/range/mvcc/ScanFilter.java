package io.conclave.range.mvcc;

/**
 * A row filter and projection that a transactional scan applies at the leaseholder, so that only
 * the rows a caller wants (and only the parts of them it needs) leave the range. The range layer
 * does not know what a row is: a layer above (the SQL engine) registers a {@link Factory} under a
 * kind name at node start and sends {@code filter_kind} and an opaque {@code filter} with each
 * {@code txn_scan}.
 *
 * <p>A filter runs on the scheduler thread, inside the pure MVCC evaluation: it must be
 * deterministic, fast, free of I/O and of shared mutable state, and it must never write. What it
 * leaves out still counts as read (the read span covers the whole scanned span), so filtering
 * changes what travels, never what the transaction's isolation covers.
 */
public interface ScanFilter {
    /**
     * The value to return for the live pair ({@code key}, {@code value}): {@code value} itself,
     * a smaller projection of it, or null to leave the row out.
     *
     * @throws ScanFilterException the filter failed on this row (the scan answers FILTER_FAILED)
     */
    byte[] apply(byte[] key, byte[] value);

    /** Builds filters of one kind from their serialised specification. */
    interface Factory {
        /** The name requests use in {@code filter_kind}; the same on every node. */
        String kind();

        /**
         * The filter {@code spec} describes. Called once per request; may cache.
         *
         * @throws ScanFilterException the specification cannot be read
         */
        ScanFilter compile(byte[] spec);
    }
}

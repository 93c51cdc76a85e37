package io.conclave.txn;

import io.conclave.clock.Timestamp;
import io.conclave.range.client.KeyValue;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One transaction attempt. Reads go to the ranges at {@link #readTimestamp()} and see the
 * transaction's own writes; writes are buffered here until {@link #commit()}. Not thread-safe.
 */
public final class Txn {
    private final Coordinator coordinator;

    Txn(Coordinator coordinator) {
        this.coordinator = coordinator;
    }

    Coordinator coordinator() {
        return coordinator;
    }

    /** The 16-byte id that names this attempt in records and intents. */
    public byte[] id() {
        return coordinator.id();
    }

    /** The timestamp reads see the database at (it moves up after an uncertainty restart or a refresh). */
    public Timestamp readTimestamp() {
        return coordinator.readTs();
    }

    /** The value of {@code key} at the read timestamp, or this transaction's own write of it. */
    public Optional<byte[]> get(byte[] key) {
        return coordinator.get(key);
    }

    /**
     * The values of {@code keys} (as {@link #get} each), read from their ranges in parallel in one
     * round rather than one after another; in the order given.
     */
    public List<Optional<byte[]>> getAll(List<byte[]> keys) {
        if (keys == null) throw new TxnException("keys must be set");
        return coordinator.getAll(keys);
    }

    /**
     * As {@link #getAll}, asking the first key's leaseholder for a claim of up to {@code claim}
     * past the read timestamp (TxnGet claim_nanos): the value then stands until the claim's end,
     * and every write of the key, by anyone, lands above it. No claim is granted for a key this
     * transaction wrote, for a key with a newer write or a write in flight, or near the end of its
     * range's lease; the read is then an ordinary one.
     */
    public ClaimedReads getAllClaimingFirst(List<byte[]> keys, java.time.Duration claim) {
        if (keys == null || keys.isEmpty()) throw new TxnException("keys must be set and not empty");
        if (claim == null || claim.isNegative() || claim.isZero()) throw new TxnException("a claim must be positive");
        return coordinator.getAllClaimingFirst(keys, claim.toNanos());
    }

    /**
     * Registers {@code key} as read at the current read timestamp without fetching it; returns
     * that timestamp. The caller vouches for the key's value there (a claim it holds covers it);
     * from here on the key is in the read set like any key read, so a refresh (the read timestamp
     * or the commit timestamp moving up) checks that it did not change in between.
     */
    public Timestamp assumeRead(byte[] key) {
        return coordinator.assumeRead(key);
    }

    /** Up to {@code limit} live pairs of {@code [startInclusive, endExclusive)} in key order, own writes merged in. */
    public List<KeyValue> scan(byte[] startInclusive, byte[] endExclusive, int limit) {
        return coordinator.scan(startInclusive, endExclusive, limit);
    }

    /**
     * Streams the live pairs of {@code [startInclusive, endExclusive)} in key order, own writes
     * merged in, to {@code sink} until it returns false; the ranges are read as {@code options}
     * say (in parallel rounds, range by range, filtered at the ranges). A filter applies to the
     * stored rows only: this transaction's buffered writes in the span reach the sink whole and
     * unfiltered, so a caller that filters must filter again. Rows a filter leaves out still
     * count as read. The sink runs on the caller's thread.
     *
     * @throws TxnScanFilterException the filter failed at a range; the transaction may go on
     */
    public ScanSummary scan(byte[] startInclusive, byte[] endExclusive, ScanOptions options,
            Predicate<KeyValue> sink) {
        if (options == null || sink == null) throw new TxnException("scan options and sink must be set");
        return coordinator.scan(startInclusive, endExclusive, options, sink);
    }

    /** Buffers a write of {@code key}; the last write of a key wins. */
    public void put(byte[] key, byte[] value) {
        coordinator.put(key, value);
    }

    /** Buffers a delete of {@code key}. */
    public void delete(byte[] key) {
        coordinator.delete(key);
    }

    /**
     * Overrides, for this transaction, the client's {@link TxnSettings#commitWaitOverride()} and
     * the cluster setting {@link ClusterSettings#COMMIT_WAIT}.
     */
    public void setCommitWait(boolean on) {
        coordinator.setCommitWait(on);
    }

    /**
     * Makes every buffered write visible at one timestamp, or none.
     *
     * @throws TxnRetryException the attempt failed and nothing of it is visible: run it again
     * @throws TxnAmbiguousException the commit was sent but its fate is unknown
     * @throws TxnException anything else
     */
    public CommitResult commit() {
        return coordinator.commit();
    }

    /** Abandons the transaction, removing whatever it wrote. Idempotent; fine after a failure. */
    public void rollback() {
        coordinator.rollback();
    }

    /** What this transaction did so far. */
    public TxnStats stats() {
        return coordinator.stats();
    }
}

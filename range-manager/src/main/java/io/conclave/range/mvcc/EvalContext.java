package io.conclave.range.mvcc;

import io.conclave.clock.Timestamp;
import java.util.Objects;

/**
 * What the leaseholder decided at proposal (or when it served a read), carried in the command so
 * that every replica evaluates the same.
 *
 * @param now the leaseholder's hybrid clock at proposal; non-transactional reads read at it and
 *     non-transactional writes write at or above it; heartbeats record it; expirations are
 *     judged against it
 * @param writeFloor the timestamp cache's verdict for the request's keys: the highest read of
 *     them by another transaction, {@code .next()}; {@link Timestamp#MIN} if none. No write of
 *     the request goes below it. For a heartbeat, commit or push (which write no user key), the
 *     verdict for the transaction's record instead ({@link MvccKeys#recordMarkerKey}): a record
 *     absent there at or below it was removed (or may have been, for a new leaseholder), and is
 *     not created again
 * @param nodeId the leaseholder's node id, echoed in every answer (a transaction's observed
 *     timestamp for that node)
 * @param leaseStart the start of the lease the request is served under; observed timestamps never
 *     narrow an uncertainty window below it
 * @param gcThreshold the range's GC threshold: reads below it are refused
 * @param txnExpirationNanos how long a PENDING transaction record lives without a heartbeat
 */
public record EvalContext(Timestamp now, Timestamp writeFloor, long nodeId, Timestamp leaseStart,
        Timestamp gcThreshold, long txnExpirationNanos) {
    public EvalContext {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(writeFloor, "writeFloor");
        Objects.requireNonNull(leaseStart, "leaseStart");
        Objects.requireNonNull(gcThreshold, "gcThreshold");
        if (txnExpirationNanos <= 0) {
            throw new IllegalArgumentException("txnExpirationNanos must be > 0, got " + txnExpirationNanos);
        }
    }
}

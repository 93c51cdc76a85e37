package io.conclave.txn;

import io.conclave.clock.Timestamp;

/**
 * A claim a claiming read was granted ({@link Txn#getAllClaimingFirst}): the key's value as read
 * is its value at every timestamp of [{@code start}, {@code end}], because its leaseholder
 * recorded the key in its timestamp cache at {@code end}, so no write of it can land in between.
 * {@code start} is the read timestamp.
 */
public record ReadClaim(Timestamp start, Timestamp end) {
    public ReadClaim {
        if (start == null || end == null || !end.isAfter(start)) {
            throw new IllegalArgumentException("a read claim needs start < end, was [" + start + ", " + end + "]");
        }
    }

    /** Whether {@code ts} lies in [start, end]. */
    public boolean covers(Timestamp ts) {
        return ts.compareTo(start) >= 0 && ts.compareTo(end) <= 0;
    }
}

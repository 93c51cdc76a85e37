package io.conclave.sql.kv;

import io.conclave.clock.Timestamp;
import java.util.List;

/**
 * What {@link SqlTxn#getAllClaimingFirst} read: the values (null where none), in order, and the
 * claim granted on the first key, [{@code claimStart}, {@code claimEnd}]: the first key's value
 * is its value at every timestamp of it. Both null when no claim was granted.
 */
public record ClaimedValues(List<byte[]> values, Timestamp claimStart, Timestamp claimEnd) {
    public ClaimedValues {
        values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
        if ((claimStart == null) != (claimEnd == null) || (claimEnd != null && !claimEnd.isAfter(claimStart))) {
            throw new IllegalArgumentException("a claim needs start < end, or neither: [" + claimStart + ", " + claimEnd + "]");
        }
    }

    public boolean claimed() {
        return claimEnd != null;
    }
}

package io.conclave.sql.kv;

import io.conclave.txn.ReadClaim;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link SqlTxn#getAllClaimingFirst} read: the values (null where none), in order, and the
 * claim granted on the first key, if any: the first key's value is its value at every timestamp
 * of it.
 */
public record ClaimedValues(List<byte[]> values, Optional<ReadClaim> claim) {
    public ClaimedValues {
        values = Collections.unmodifiableList(new ArrayList<>(values));
        Objects.requireNonNull(claim, "claim (empty: none granted)");
    }

    /** Values read without a claim. */
    public static ClaimedValues unclaimed(List<byte[]> values) {
        return new ClaimedValues(values, Optional.empty());
    }
}

package io.conclave.txn;

import java.util.List;
import java.util.Optional;

/** What {@link Txn#getAllClaimingFirst} read: the values, in order, and the first key's claim if one was granted. */
public record ClaimedReads(List<Optional<byte[]>> values, Optional<ReadClaim> claim) {
    public ClaimedReads {
        values = List.copyOf(values);
        if (claim == null) throw new IllegalArgumentException("claim must be set (empty: none granted)");
    }
}

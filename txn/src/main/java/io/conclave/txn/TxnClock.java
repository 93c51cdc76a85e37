package io.conclave.txn;

import io.conclave.clock.Timestamp;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.AdminResponse;

/**
 * Where a coordinator's timestamps come from: a node's hybrid clock ({@code AdminRequest.now}),
 * combined with every node clock reading seen in an answer, so that the readings this client
 * hands out never go backwards even when it talks to nodes whose clocks differ (within the max
 * offset). The coordinator has no clock of its own: its host need not be bound by the offset.
 */
final class TxnClock {
    private final RangeClient ranges;
    // Guarded by this. The highest node reading seen.
    private Timestamp latest = Timestamp.MIN;

    TxnClock(RangeClient ranges) {
        this.ranges = ranges;
    }

    /** A fresh reading from a node, never below any reading seen before. */
    Timestamp now() {
        AdminResponse a;
        try {
            a = ranges.now();
        } catch (KvException e) {
            throw new TxnException("no node gave a clock reading: " + e.getMessage(), e);
        }
        if (!a.hasNow()) throw new TxnException("node n" + a.getNodeId() + " answered a clock reading without a timestamp");
        return observe(Timestamp.fromProto(a.getNow()));
    }

    /** Absorbs a node's reading; returns the highest seen. */
    synchronized Timestamp observe(Timestamp nodeNow) {
        latest = Timestamp.max(latest, nodeNow);
        return latest;
    }
}

package io.conclave.txn;

import io.conclave.clock.HybridLogicalClock;
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
    /** Readings that a closing gate voided before a begin gives up (each first waits for the gate). */
    static final int MAX_GATED_READS = 3;
    private final RangeClient ranges;
    // The clock of the node this coordinator runs in, or null when it runs outside any node.
    private final HybridLogicalClock nodeClock;
    // Consulted before and after every reading of nodeClock; null when there is no node clock.
    private final TimestampGate gate;
    // Guarded by this. The highest node reading seen.
    private Timestamp latest = Timestamp.MIN;
    // Guarded by this. The cluster's --max-offset as the last clock reading reported it; 0: unknown.
    private long nodeMaxOffsetNanos;

    /**
     * @param nodeClock the hybrid clock of the node the coordinator runs in (it is bound by the
     *     max offset and absorbs every reading the node receives), read directly instead of asking
     *     a node over the network on every begin; null for a coordinator outside any node
     * @param gate whether that node may hand out timestamps now (a coordinator outside any node
     *     asks nodes that apply the same gate themselves); null with a null {@code nodeClock}
     */
    TxnClock(RangeClient ranges, HybridLogicalClock nodeClock, TimestampGate gate) {
        if ((nodeClock == null) != (gate == null)) {
            throw new IllegalArgumentException("a node clock and its timestamp gate come together");
        }
        this.ranges = ranges;
        this.nodeClock = nodeClock;
        this.gate = gate;
        if (nodeClock != null) nodeMaxOffsetNanos = nodeClock.maxOffsetNanos();
    }

    /** A fresh reading from a node, never below any reading seen before. */
    Timestamp now() {
        if (nodeClock != null) {
            for (int attempt = 1; ; attempt++) {
                long token = gate.awaitOpen();
                Timestamp reading = nodeClock.now();
                if (gate.stillOpen(token)) return observe(reading);
                if (attempt == MAX_GATED_READS) {
                    throw new TxnUnavailableException("the node closed for timestamps around each of " + attempt
                            + " clock readings (its liveness record expired); retry, or connect to another node");
                }
            }
        }
        AdminResponse a;
        try {
            a = ranges.now();
        } catch (KvException e) {
            throw new TxnException("no node gave a clock reading: " + e.getMessage(), e);
        }
        if (!a.hasNow()) throw new TxnException("node n" + a.getNodeId() + " answered a clock reading without a timestamp");
        if (a.getMaxOffsetNanos() > 0) {
            synchronized (this) {
                nodeMaxOffsetNanos = a.getMaxOffsetNanos();
            }
        }
        return observe(Timestamp.fromProto(a.getNow()));
    }

    /**
     * The cluster's maximum clock offset as its nodes enforce it, else {@code fallbackNanos} (the
     * setting) until a node said: the nodes' value bounds the real offsets, so a window or a
     * commit-wait sized by it is exactly as wide as needed.
     */
    synchronized long maxOffsetNanos(long fallbackNanos) {
        return nodeMaxOffsetNanos > 0 ? nodeMaxOffsetNanos : fallbackNanos;
    }

    /** Absorbs a node's reading; returns the highest seen. */
    synchronized Timestamp observe(Timestamp nodeNow) {
        latest = Timestamp.max(latest, nodeNow);
        return latest;
    }
}

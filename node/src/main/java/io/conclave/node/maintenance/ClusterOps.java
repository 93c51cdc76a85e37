package io.conclave.node.maintenance;

import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.NodeLiveness;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.TxnRecord;
import java.util.List;

/**
 * What the loop asks of the cluster. In a node it is {@link RangeClientOps} over the range
 * client; a test may drive the loop with a model. Every call is synchronous and bounded by the
 * client's deadline, and throws on failure.
 */
interface ClusterOps {
    /** Every node's liveness record. */
    List<NodeLiveness> liveness();

    /** Every meta record, in key order. */
    List<RangeDescriptor> allRanges();

    /** Meta's records overlapping {@code [start, end)}, in key order (RangeClient.metaCovering). */
    List<RangeDescriptor> metaCovering(byte[] start, byte[] end);

    /** Replaces meta's records over the descriptors' span by them, all or none; true if meta holds them now. */
    boolean metaReplace(List<RangeDescriptor> descriptors);

    void split(byte[] splitKey);

    void addReplica(long rangeId, long nodeId, String hostPort, boolean learner);

    void removeReplica(long rangeId, long nodeId);

    void transferLease(long rangeId, long toNode);

    /** The node's status of all its replicas. */
    AdminResponse nodeStatus(String hostPort);

    /**
     * One page of MVCC garbage collection of the range holding {@code startKey}, from there. A
     * model without MVCC keeps the default, which the loop takes as "no GC here".
     */
    default GcPage mvccGc(byte[] startKey, io.conclave.clock.Timestamp threshold, int maxKeys) {
        throw new UnsupportedOperationException("no MVCC garbage collection in this cluster");
    }

    /**
     * Finishes a COMMITTED transaction whose coordinator did not: resolves the intents at the
     * keys its record lists, in whichever ranges hold them now, and then removes the record
     * (txn_resolve remove_record, so its range marks the removal as for a coordinator's).
     */
    default void finishAbandonedCommit(TxnRecord record) {
        throw new UnsupportedOperationException("no transactions in this cluster");
    }

    /**
     * What a GC page did: where the next page starts (empty when the range is done), and the
     * COMMITTED records it found abandoned, for {@link #finishAbandonedCommit}.
     */
    record GcPage(byte[] resumeKey, List<TxnRecord> abandonedCommits) {
        public GcPage {
            abandonedCommits = List.copyOf(abandonedCommits);
        }
    }
}

package io.conclave.node.maintenance;

import io.conclave.range.allocator.NodeState.Health;
import io.conclave.range.rpc.NodeLiveness;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Each node's health from the liveness records: live until its record expires, suspect for
 * dead-after beyond that, then dead. A node that holds replicas but has no record at all (it
 * never wrote one, or the record was lost) is suspect from the first pass that misses it and
 * dead after dead-after: otherwise a node that died before its first liveness write would keep
 * its replicas forever. No node is dead while this node's own record is not live or has been
 * live for less than {@link #SETTLE_NANOS}: the view may be stale (see there). Pure apart from
 * remembering those times; time is passed in.
 */
final class LivenessView {
    /**
     * How long this node's own record must have been seen live, continuously, before any other
     * node is judged dead (at most dead-after). If range 1 was unavailable, no node could
     * heartbeat and every record expired; once it is back, every live node rewrites its record
     * within a heartbeat (3 s), so a view younger than that would condemn healthy nodes.
     */
    static final long SETTLE_NANOS = 15_000_000_000L;

    private final long selfId;
    private final Map<Long, Long> missingSinceNanos = new HashMap<>();
    private long ownRecordLiveSinceNanos;
    private boolean ownRecordLive;

    LivenessView(long selfId) {
        this.selfId = selfId;
    }

    /** The records could not be read: the view starts settling afresh. */
    void reset() {
        ownRecordLive = false;
    }

    /**
     * @param referencedNodes nodes that hold replicas of the ranges being decided on
     * @return health by node id, for every node with a record or referenced; this node is live
     */
    Map<Long, Health> update(List<NodeLiveness> records, Collection<Long> referencedNodes, long nowNanos,
            long deadAfterNanos) {
        Map<Long, Health> out = classify(records, referencedNodes, nowNanos, deadAfterNanos);
        boolean ownLive = out.get(selfId) == Health.LIVE;
        if (ownLive && !ownRecordLive) ownRecordLiveSinceNanos = nowNanos;
        ownRecordLive = ownLive;
        boolean settled = ownLive && nowNanos - ownRecordLiveSinceNanos >= Math.min(SETTLE_NANOS, deadAfterNanos);
        if (!settled) out.replaceAll((id, h) -> h == Health.DEAD ? Health.SUSPECT : h);
        out.put(selfId, Health.LIVE); // it is running this pass, whatever its record says
        return out;
    }

    private Map<Long, Health> classify(List<NodeLiveness> records, Collection<Long> referencedNodes, long nowNanos,
            long deadAfterNanos) {
        Map<Long, Health> out = new HashMap<>();
        for (NodeLiveness r : records) {
            if (r.getNodeId() == 0) continue;
            long expiration = r.getExpiration().getWallNanos();
            Health h;
            if (nowNanos < expiration) {
                h = Health.LIVE;
            } else if (nowNanos - expiration >= deadAfterNanos) {
                h = Health.DEAD;
            } else {
                h = Health.SUSPECT;
            }
            out.put(r.getNodeId(), h);
        }
        missingSinceNanos.keySet().removeIf(id -> out.containsKey(id) || !referencedNodes.contains(id));
        for (long id : referencedNodes) {
            if (out.containsKey(id)) continue;
            long since = missingSinceNanos.computeIfAbsent(id, k -> nowNanos);
            out.put(id, nowNanos - since >= deadAfterNanos ? Health.DEAD : Health.SUSPECT);
        }
        return out;
    }
}

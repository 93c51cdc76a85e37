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
 * its replicas forever. Pure apart from remembering those first misses; time is passed in.
 */
final class LivenessView {
    private final Map<Long, Long> missingSinceNanos = new HashMap<>();

    /**
     * @param referencedNodes nodes that hold replicas of the ranges being decided on
     * @return health by node id, for every node with a record or referenced
     */
    Map<Long, Health> update(List<NodeLiveness> records, Collection<Long> referencedNodes, long nowNanos,
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

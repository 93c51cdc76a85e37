package io.conclave.node.cluster;

import io.conclave.clock.HybridLogicalClock;
import io.conclave.clock.OffsetMeasurement;
import io.conclave.clock.Timestamp;
import io.conclave.node.rpc.NodeRow;
import io.conclave.node.rpc.RangeRow;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.Lease;
import io.conclave.range.rpc.NodeLiveness;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.ReplicaDescriptor;
import io.conclave.range.rpc.StatusRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The cluster as one node sees it, for {@code conclave nodes}, {@code conclave ranges} and the
 * HTTP status pages: liveness records and meta (through the range client), plus the local
 * status of every live node (one admin status call per node, not one per range, so a cluster of
 * 10,000 ranges costs as many calls as it has nodes).
 *
 * <p>A range's leaseholder is the node whose own replica reports a lease held by itself that has
 * not expired by this node's hybrid clock. A dead or unreachable leaseholder therefore shows as
 * unknown, never as a stale claim; a range whose Raft leader answers but that has no valid lease
 * (idle ranges let theirs lapse) shows leaseholder 0 with the leader's size. Blocking: call it
 * off the I/O threads.
 */
public final class ClusterView {
    private static final Logger LOG = Logger.getLogger(ClusterView.class.getName());

    private final RangeClient client;
    private final HybridLogicalClock clock;
    private final Supplier<Map<Long, OffsetMeasurement>> offsets;
    private final int maxNodes;

    public ClusterView(RangeClient client, HybridLogicalClock clock, Supplier<Map<Long, OffsetMeasurement>> offsets,
            int maxNodes) {
        this.client = client;
        this.clock = clock;
        this.offsets = offsets;
        this.maxNodes = maxNodes;
    }

    /** One row per node with a liveness record, by node id. */
    public List<NodeRow> nodes() {
        return nodes(snapshot());
    }

    /** Nodes and ranges from one look at the cluster: half the calls of asking for each. */
    public Overview overview() {
        Snapshot s = snapshot();
        return new Overview(nodes(s), ranges(s));
    }

    public record Overview(List<NodeRow> nodes, List<RangeRow> ranges) {}

    private List<NodeRow> nodes(Snapshot s) {
        Map<Long, Long> replicas = new HashMap<>();
        for (RangeDescriptor d : s.ranges) {
            for (ReplicaDescriptor r : d.getReplicasList()) replicas.merge(r.getNodeId(), 1L, Long::sum);
        }
        Map<Long, Long> leases = new HashMap<>();
        s.leaseholders.values().forEach(h -> leases.merge(h.nodeId, 1L, Long::sum));
        Map<Long, OffsetMeasurement> measured = offsets.get();
        List<NodeRow> rows = new ArrayList<>();
        for (NodeLiveness l : s.liveness.values()) {
            long id = l.getNodeId();
            NodeRow.Builder row = NodeRow.newBuilder().setNodeId(id).setAddress(l.getAddress())
                    .setHttpAddress(l.getHttpAddress()).setLive(Liveness.isLive(l, s.now)).setEpoch(l.getEpoch())
                    .setExpiresInNanos(Timestamp.fromProto(l.getExpiration()).wallNanos() - s.now.wallNanos())
                    .setReplicas(replicas.getOrDefault(id, 0L)).setLeases(leases.getOrDefault(id, 0L));
            OffsetMeasurement m = measured.get(id);
            if (m != null) {
                row.setOffsetKnown(true).setOffsetNanos(m.offsetNanos()).setOffsetErrorBoundNanos(m.errorBoundNanos());
            }
            rows.add(row.build());
        }
        return rows;
    }

    /** One row per meta record, in key order. */
    public List<RangeRow> ranges() {
        return ranges(snapshot());
    }

    private List<RangeRow> ranges(Snapshot s) {
        List<RangeRow> rows = new ArrayList<>();
        for (RangeDescriptor d : s.ranges) {
            RangeRow.Builder row = RangeRow.newBuilder().setRangeDescriptor(d);
            Holder h = s.leaseholders.get(d.getRangeId());
            Holder leader = s.leaders.get(d.getRangeId());
            if (h != null) {
                row.setLeaseholder(h.nodeId).setStatusKnown(true).setSizeBytes(h.status.getSizeBytes())
                        .setQps(h.status.getQps());
            } else if (leader != null) {
                // No valid lease (an idle range lets it lapse): the Raft leader's replica has the
                // size; nobody serves, so no requests per second.
                row.setStatusKnown(true).setSizeBytes(leader.status.getSizeBytes());
            }
            rows.add(row.build());
        }
        return rows;
    }

    /** One replica of a range as its node reports it (Raft state, lease, size, load). */
    public record ReplicaState(long nodeId, GroupStatus status) {}

    /**
     * Every live node's own report of its replica of {@code rangeId}, by node id, with meta's
     * descriptor of the range (null if meta has none): the console's per-range detail.
     */
    public RangeDetail range(long rangeId) {
        Snapshot s = snapshot();
        RangeDescriptor desc = null;
        for (RangeDescriptor d : s.ranges) {
            if (d.getRangeId() == rangeId) desc = d;
        }
        Holder h = s.leaseholders.get(rangeId);
        return new RangeDetail(desc, h == null ? 0 : h.nodeId, s.replicaStates.getOrDefault(rangeId, List.of()));
    }

    /** A range as meta and its replicas see it; {@code leaseholder} 0 when no valid lease is known. */
    public record RangeDetail(RangeDescriptor descriptor, long leaseholder, List<ReplicaState> replicas) {}

    private record Holder(long nodeId, GroupStatus status) {}

    private record Snapshot(Timestamp now, Map<Long, NodeLiveness> liveness, List<RangeDescriptor> ranges,
            Map<Long, Holder> leaseholders, Map<Long, Holder> leaders, Map<Long, List<ReplicaState>> replicaStates) {}

    private Snapshot snapshot() {
        Map<Long, NodeLiveness> liveness = Liveness.readAll(client, maxNodes);
        List<RangeDescriptor> ranges = client.allRanges();
        Timestamp now = clock.now();
        Map<Long, Holder> holders = new TreeMap<>();
        Map<Long, Holder> leaders = new TreeMap<>();
        Map<Long, List<ReplicaState>> replicaStates = new HashMap<>();
        for (NodeLiveness l : liveness.values()) {
            if (!Liveness.isLive(l, now) || l.getAddress().isEmpty()) continue;
            AdminResponse status;
            try {
                status = client.admin(l.getAddress(), AdminRequest.newBuilder()
                        .setStatus(StatusRequest.getDefaultInstance()).build());
            } catch (RuntimeException e) {
                LOG.fine(() -> "no status from node " + l.getNodeId() + " at " + l.getAddress() + ": " + e.getMessage());
                continue;
            }
            for (GroupStatus g : status.getGroupsList()) {
                if (holdsValidLease(l.getNodeId(), g.getLease(), now)) {
                    holders.put(g.getGroupId(), new Holder(l.getNodeId(), g));
                }
                if (g.getLeader() == l.getNodeId()) leaders.put(g.getGroupId(), new Holder(l.getNodeId(), g));
                replicaStates.computeIfAbsent(g.getGroupId(), k -> new ArrayList<>()).add(new ReplicaState(l.getNodeId(), g));
            }
        }
        return new Snapshot(now, liveness, ranges, holders, leaders, replicaStates);
    }

    static boolean holdsValidLease(long nodeId, Lease lease, Timestamp now) {
        return lease.getHolder() == nodeId && lease.hasExpiration()
                && Timestamp.fromProto(lease.getExpiration()).isAfter(now);
    }
}

package io.conclave.range.multiraft;

import io.conclave.raft.Message;
import io.conclave.raft.MessageType;
import io.conclave.range.rpc.CoalescedHeartbeat;
import io.conclave.range.rpc.RaftBatch;
import io.conclave.range.rpc.ReplicaProbe;
import io.conclave.range.rpc.ReplicaRemoved;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gathers one scheduler cycle's outgoing Raft messages into one {@link RaftBatch} per destination
 * node, whatever the number of groups. Heartbeats and heartbeat responses without a context shrink
 * to a {@link CoalescedHeartbeat} tuple: with thousands of groups they are most of the traffic,
 * and a tuple is five varints. A heartbeat with a context carries a ReadIndex round and travels
 * whole.
 */
final class Outbox {
    private final Map<Long, RaftBatch.Builder> byNode = new LinkedHashMap<>();

    void add(long groupId, Message m) {
        RaftBatch.Builder batch = byNode.computeIfAbsent(m.to(), k -> RaftBatch.newBuilder());
        if (coalescible(m)) {
            CoalescedHeartbeat hb = CoalescedHeartbeat.newBuilder()
                    .setGroupId(groupId).setFrom(m.from()).setTo(m.to())
                    .setTerm(m.term()).setCommit(m.commit()).build();
            if (m.type() == MessageType.HEARTBEAT) batch.addHeartbeats(hb);
            else batch.addHeartbeatResponses(hb);
        } else {
            batch.addMessages(RaftCodec.encode(groupId, m));
        }
    }

    /**
     * A heartbeat telling {@code hb.to()} that the group goes quiet; always a tuple, and never
     * produced by Raft itself (the scheduler builds it when it quiesces a leader).
     */
    void addQuiesce(long groupId, Message hb) {
        byNode.computeIfAbsent(hb.to(), k -> RaftBatch.newBuilder()).addHeartbeats(CoalescedHeartbeat.newBuilder()
                .setGroupId(groupId).setFrom(hb.from()).setTo(hb.to())
                .setTerm(hb.term()).setCommit(hb.commit()).setQuiesce(true).build());
    }

    /** A removal notice for {@code nodeId} (replica GC; see the package documentation). */
    void addRemoved(long nodeId, ReplicaRemoved notice) {
        byNode.computeIfAbsent(nodeId, k -> RaftBatch.newBuilder()).addRemoved(notice);
    }

    /** A probe for {@code nodeId}: is this node still a replica of the range? (Replica GC.) */
    void addProbe(long nodeId, long rangeId) {
        byNode.computeIfAbsent(nodeId, k -> RaftBatch.newBuilder()).addProbes(ReplicaProbe.newBuilder().setRangeId(rangeId));
    }

    /** Makes sure {@code nodeId} gets a batch this cycle, if only an empty one: a liveness signal. */
    void touch(long nodeId) {
        byNode.computeIfAbsent(nodeId, k -> RaftBatch.newBuilder());
    }

    boolean isEmpty() {
        return byNode.isEmpty();
    }

    /** The batches built so far, keyed by destination node id; the outbox is empty afterwards. */
    Map<Long, RaftBatch> drain() {
        Map<Long, RaftBatch> out = new LinkedHashMap<>();
        byNode.forEach((node, b) -> out.put(node, b.build()));
        byNode.clear();
        return out;
    }

    static boolean coalescible(Message m) {
        return (m.type() == MessageType.HEARTBEAT || m.type() == MessageType.HEARTBEAT_RESPONSE)
                && m.context().length == 0
                && m.entries().isEmpty()
                && m.logTerm() == 0 && m.index() == 0 && !m.reject();
    }

    /** Receiving side: every message of a batch, heartbeat tuples expanded back to messages. */
    static void expand(RaftBatch batch, GroupMessageSink sink) {
        for (var rm : batch.getMessagesList()) sink.accept(rm.getGroupId(), RaftCodec.decode(rm), false);
        for (CoalescedHeartbeat hb : batch.getHeartbeatsList()) {
            sink.accept(hb.getGroupId(), heartbeat(MessageType.HEARTBEAT, hb), hb.getQuiesce());
        }
        for (CoalescedHeartbeat hb : batch.getHeartbeatResponsesList()) {
            sink.accept(hb.getGroupId(), heartbeat(MessageType.HEARTBEAT_RESPONSE, hb), false);
        }
    }

    private static Message heartbeat(MessageType type, CoalescedHeartbeat hb) {
        return new Message(type, hb.getFrom(), hb.getTo(), hb.getTerm(), 0, 0, null, hb.getCommit(),
                false, 0, null, null);
    }

    @FunctionalInterface
    interface GroupMessageSink {
        void accept(long groupId, Message message, boolean quiesce);
    }
}

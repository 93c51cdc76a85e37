package io.conclave.node.maintenance;

import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.range.Keys;
import io.conclave.range.client.KeyValue;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.NodeLiveness;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.StatusRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link ClusterOps} over the node's range client. */
final class RangeClientOps implements ClusterOps {
    /** Liveness records read per pass at most: far above any cluster this design runs. */
    static final int MAX_NODES = 10_000;

    private final RangeClient client;

    RangeClientOps(RangeClient client) {
        this.client = client;
    }

    @Override
    public List<NodeLiveness> liveness() {
        List<NodeLiveness> out = new ArrayList<>();
        for (KeyValue kv : client.scan(Keys.livenessStart(), Keys.livenessEnd(), MAX_NODES)) {
            try {
                NodeLiveness record = NodeLiveness.parseFrom(kv.value());
                out.add(record);
                if (!record.getAddress().isEmpty()) client.learnNodeAddress(record.getNodeId(), record.getAddress());
            } catch (InvalidProtocolBufferException e) {
                throw new KvException(ErrorResponse.Code.INTERNAL,
                        "liveness record at " + Keys.pretty(kv.key()) + " does not parse: " + e.getMessage(), e);
            }
        }
        return out;
    }

    @Override
    public List<RangeDescriptor> allRanges() {
        return client.allRanges();
    }

    @Override
    public Optional<RangeDescriptor> metaRecord(byte[] rangeEndKey) {
        return client.metaRecord(rangeEndKey);
    }

    @Override
    public void metaUpdate(RangeDescriptor descriptor) {
        client.metaUpdate(descriptor);
    }

    @Override
    public void split(byte[] splitKey) {
        client.split(splitKey);
    }

    @Override
    public void addReplica(long rangeId, long nodeId, String hostPort, boolean learner) {
        client.addReplica(rangeId, nodeId, hostPort, learner);
    }

    @Override
    public void removeReplica(long rangeId, long nodeId) {
        client.removeReplica(rangeId, nodeId);
    }

    @Override
    public void transferLease(long rangeId, long toNode) {
        client.transferLease(rangeId, toNode);
    }

    @Override
    public AdminResponse nodeStatus(String hostPort) {
        return client.admin(hostPort, AdminRequest.newBuilder().setStatus(StatusRequest.getDefaultInstance()).build());
    }

    @Override
    public byte[] mvccGc(byte[] startKey, io.conclave.clock.Timestamp threshold, int maxKeys) {
        var reply = client.sendRouted(startKey, d -> io.conclave.range.rpc.KvRequest.newBuilder()
                .setRangeId(d.getRangeId())
                .setMvccGc(io.conclave.range.rpc.MvccGc.newBuilder().setThreshold(threshold.toProto())
                        .setStartKey(com.google.protobuf.ByteString.copyFrom(startKey)).setMaxKeys(maxKeys))
                .build(), true);
        return reply.response().getGcResumeKey().toByteArray();
    }
}

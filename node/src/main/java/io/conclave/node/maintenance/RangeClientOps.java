package io.conclave.node.maintenance;

import com.google.protobuf.ByteString;
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
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.StatusRequest;
import io.conclave.range.rpc.TxnRecord;
import io.conclave.range.rpc.TxnResolve;
import io.conclave.range.rpc.TxnStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

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
    public List<RangeDescriptor> metaCovering(byte[] start, byte[] end) {
        return client.metaCovering(start, end);
    }

    @Override
    public boolean metaReplace(List<RangeDescriptor> descriptors) {
        return client.metaReplace(descriptors);
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
    public GcPage mvccGc(byte[] startKey, io.conclave.clock.Timestamp threshold, int maxKeys) {
        var reply = client.sendRouted(startKey, d -> KvRequest.newBuilder()
                .setRangeId(d.getRangeId())
                .setMvccGc(io.conclave.range.rpc.MvccGc.newBuilder().setThreshold(threshold.toProto())
                        .setStartKey(ByteString.copyFrom(startKey)).setMaxKeys(maxKeys))
                .build(), true);
        return new GcPage(reply.response().getGcResumeKey().toByteArray(), reply.response().getAbandonedRecordsList());
    }

    /**
     * Resolves the listed keys a range at a time (each request takes the keys that the range it
     * is routed to holds, so a split since the commit only means more requests), then removes the
     * record. Idempotent: a key already resolved, or a record already removed, is left as it is.
     */
    @Override
    public void finishAbandonedCommit(TxnRecord record) {
        if (record.getStatus() != TxnStatus.COMMITTED || !record.hasCommitTs()) {
            throw new IllegalArgumentException("only a COMMITTED record with its commit timestamp is finished, got "
                    + record.getStatus());
        }
        TxnResolve resolved = TxnResolve.newBuilder().setTxn(record.getMeta()).setStatus(TxnStatus.COMMITTED)
                .setCommitTs(record.getCommitTs()).build();
        TreeSet<byte[]> left = new TreeSet<>(Keys::compare);
        for (ByteString k : record.getIntentKeysList()) left.add(k.toByteArray());
        // Each round takes at least the first key left: at most one round per key.
        for (int round = 0; !left.isEmpty() && round <= record.getIntentKeysCount(); round++) {
            List<byte[]> sent = new ArrayList<>();
            client.sendRouted(left.first(), d -> {
                sent.clear();
                for (byte[] k : left) {
                    if (Keys.contains(d.getStartKey().toByteArray(), d.getEndKey().toByteArray(), k)) sent.add(k);
                }
                TxnResolve.Builder r = resolved.toBuilder();
                for (byte[] k : sent) r.addKeys(ByteString.copyFrom(k));
                return KvRequest.newBuilder().setRangeId(d.getRangeId()).setTxnResolve(r).build();
            }, true);
            sent.forEach(left::remove);
        }
        if (!left.isEmpty()) {
            throw new IllegalStateException(left.size() + " intent keys left unresolved after one round per key");
        }
        client.sendRouted(record.getMeta().getAnchorKey().toByteArray(), d -> KvRequest.newBuilder()
                .setRangeId(d.getRangeId()).setTxnResolve(resolved.toBuilder().setRemoveRecord(true)).build(), true);
    }
}

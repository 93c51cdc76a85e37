package io.conclave.range.multiraft;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.range.Keys;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.storage.KeyValue;
import java.util.Arrays;
import java.util.List;

/**
 * A range's state-machine image inside a Raft snapshot: its range-local keys (descriptor, lease)
 * and every key of its data span, with their store keys, carried as the pairs of a
 * {@link KvResponse} so no new wire message is needed.
 *
 * <p>The image is read from the live store when Raft asks for it. That is exact only because the
 * scheduler moves the snapshot metadata to the applied index in every batch that applies
 * entries, and the store reads metadata and image from one commit even while the writer thread
 * commits the next ({@code GroupStorage.snapshot}): the committed state is then the state at the
 * metadata's index. Applying entries without refreshing the metadata in the same batch would
 * make snapshots lie.
 */
final class SnapshotData {
    private SnapshotData() {}

    static byte[] encode(List<KeyValue> rows) {
        KvResponse.Builder b = KvResponse.newBuilder();
        for (KeyValue kv : rows) {
            b.addPairs(KvPair.newBuilder().setKey(ByteString.copyFrom(kv.key())).setValue(ByteString.copyFrom(kv.value())));
        }
        return b.build().toByteArray();
    }

    static List<KvPair> decode(long rangeId, byte[] data) {
        try {
            return KvResponse.parseFrom(data).getPairsList();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt snapshot for range " + rangeId + ": " + e.getMessage(), e);
        }
    }

    /** The descriptor a snapshot's image carries; every image of an initialized range has one. */
    static RangeDescriptor descriptor(long rangeId, List<KvPair> pairs) {
        byte[] key = Keys.rangeDescriptorKey(rangeId);
        for (KvPair p : pairs) {
            if (Arrays.equals(p.getKey().toByteArray(), key)) {
                try {
                    return RangeDescriptor.parseFrom(p.getValue());
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException("corrupt descriptor in a snapshot of range " + rangeId, e);
                }
            }
        }
        throw new IllegalStateException("snapshot of range " + rangeId + " carries no range descriptor");
    }
}

package io.conclave.range.multiraft;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvResponse;
import io.conclave.storage.KeyValue;
import java.util.List;

/**
 * A group's state-machine image inside a Raft snapshot: its user keys and values, carried as the
 * pairs of a {@link KvResponse} so no new wire message is needed.
 *
 * <p>The image is read from the live store when Raft asks for it. That is exact only because the
 * scheduler moves the snapshot metadata to the applied index in every batch that applies
 * entries, and the source runs on the scheduler thread between batches: the live state is then
 * the state at the metadata's index. Applying entries without refreshing the metadata in the
 * same batch would make snapshots lie.
 */
final class SnapshotData {
    private SnapshotData() {}

    static byte[] encode(List<KeyValue> stateRows) {
        KvResponse.Builder b = KvResponse.newBuilder();
        for (KeyValue kv : stateRows) {
            b.addPairs(KvPair.newBuilder()
                    .setKey(ByteString.copyFrom(KvKeys.userKey(kv.key())))
                    .setValue(ByteString.copyFrom(kv.value())));
        }
        return b.build().toByteArray();
    }

    static List<KvPair> decode(long groupId, byte[] data) {
        try {
            return KvResponse.parseFrom(data).getPairsList();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt snapshot for group " + groupId + ": " + e.getMessage(), e);
        }
    }
}

package io.conclave.range.multiraft;

import com.google.protobuf.ByteString;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.KvScan;
import io.conclave.storage.KeyValue;
import io.conclave.storage.Store;
import io.conclave.storage.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The replicated KV state machine: what a committed command writes, how reads are served from
 * the store, and how a group's state becomes a snapshot and back. Runs on the scheduler thread.
 */
final class KvApplier {
    private final long localNodeId;
    private final Store store;
    private final SchedulerSettings settings;

    KvApplier(long localNodeId, Store store, SchedulerSettings settings) {
        this.localNodeId = localNodeId;
        this.store = store;
        this.settings = settings;
    }

    /** Null if the request is acceptable, else why not; size errors start with "too large". */
    static String validate(KvRequest req) {
        return switch (req.getOpCase()) {
            case PUT -> validateKey(req.getPut().getKey()) != null ? validateKey(req.getPut().getKey())
                    : validateValue(req.getPut().getValue());
            case DELETE -> validateKey(req.getDelete().getKey());
            case GET -> validateKey(req.getGet().getKey());
            case SCAN -> null;
            default -> "empty KV request: set one of get, put, delete, scan";
        };
    }

    private static String validateKey(ByteString key) {
        if (key.isEmpty()) return "the key must not be empty";
        if (key.size() > KvKeys.MAX_KEY_BYTES) {
            return "too large: key of " + key.size() + " bytes exceeds the limit of " + KvKeys.MAX_KEY_BYTES + " bytes";
        }
        return null;
    }

    private static String validateValue(ByteString value) {
        if (value.size() > KvKeys.MAX_VALUE_BYTES) {
            return "too large: value of " + value.size() + " bytes exceeds the limit of " + KvKeys.MAX_VALUE_BYTES
                    + " bytes";
        }
        return null;
    }

    void apply(long groupId, KvRequest req, WriteBatch batch) {
        switch (req.getOpCase()) {
            case PUT -> batch.put(KvKeys.stateKey(groupId, req.getPut().getKey().toByteArray()),
                    req.getPut().getValue().toByteArray());
            case DELETE -> batch.delete(KvKeys.stateKey(groupId, req.getDelete().getKey().toByteArray()));
            default -> throw new IllegalStateException("group " + groupId + ": command " + req.getOpCase()
                    + " in the Raft log is not a write");
        }
    }

    static KvResponse written(long index) {
        return KvResponse.newBuilder().setAppliedIndex(index).build();
    }

    KvResponse get(long groupId, byte[] key) {
        return store.get(KvKeys.stateKey(groupId, key))
                .map(v -> KvResponse.newBuilder().setFound(true).setValue(ByteString.copyFrom(v)).build())
                .orElse(KvResponse.newBuilder().setFound(false).build());
    }

    /** Rows of every group in {@code [start, end)} by user key; an empty end means no bound. */
    KvResponse scan(KvScan scan) {
        int limit = scan.getLimit() == 0 ? settings.maxScanRows() : Math.min(scan.getLimit(), settings.maxScanRows());
        byte[] start = scan.getStartKey().toByteArray();
        byte[] end = scan.getEndKey().toByteArray();
        List<KvPair> rows = new ArrayList<>();
        for (long g = 1; g <= settings.groupCount(); g++) {
            byte[] to = end.length == 0 ? KvKeys.groupEnd(g) : KvKeys.stateKey(g, end);
            for (KeyValue kv : store.scan(KvKeys.stateKey(g, start), to, limit)) {
                rows.add(KvPair.newBuilder().setKey(ByteString.copyFrom(KvKeys.userKey(kv.key())))
                        .setValue(ByteString.copyFrom(kv.value())).build());
            }
        }
        rows.sort(Comparator.comparing(p -> p.getKey().toByteArray(), Arrays::compareUnsigned));
        KvResponse.Builder b = KvResponse.newBuilder();
        b.addAllPairs(rows.subList(0, Math.min(limit, rows.size())));
        return b.build();
    }

    /** The store's {@code SnapshotSource}: the group's rows, read now (see {@link SnapshotData}). */
    byte[] snapshotData(long groupId, SnapshotMetadata meta) {
        List<KeyValue> rows = store.scan(KvKeys.groupStart(groupId), KvKeys.groupEnd(groupId),
                settings.maxSnapshotKeys() + 1);
        if (rows.size() > settings.maxSnapshotKeys()) {
            throw new IllegalStateException("node " + localNodeId + " group " + groupId + " holds more than "
                    + settings.maxSnapshotKeys() + " keys: too many for one snapshot message");
        }
        return SnapshotData.encode(rows);
    }

    /** Replaces the group's state with a snapshot's, in the cycle's batch. */
    void installSnapshot(Replica r, Snapshot snapshot, WriteBatch batch) {
        long g = r.groupId;
        batch.deleteRange(KvKeys.groupStart(g), KvKeys.groupEnd(g));
        for (KvPair p : SnapshotData.decode(g, snapshot.data())) {
            batch.put(KvKeys.stateKey(g, p.getKey().toByteArray()), p.getValue().toByteArray());
        }
        batch.applySnapshot(g, snapshot);
        SnapshotMetadata meta = snapshot.metadata();
        r.applied = meta.index();
        r.appliedTerm = meta.term();
        r.snapshotIndex = meta.index();
        r.bytesSinceSnapshot = 0;
        r.confState = meta.confState();
        batch.setApplied(g, r.applied, r.confState);
    }
}

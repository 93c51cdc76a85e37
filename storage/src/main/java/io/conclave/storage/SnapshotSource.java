package io.conclave.storage;

import io.conclave.raft.SnapshotMetadata;

/**
 * Produces the state-machine image of one group when Raft asks for a snapshot to send to a
 * lagging follower. The store keeps only the snapshot's metadata; the image is the node's keys,
 * which it lays out and encodes itself.
 *
 * <p>Consistency is the implementer's duty: the bytes returned must be the state exactly as of
 * {@code meta.index()}. A source that scans live keys is correct only if no entry after
 * {@code meta.index()} has been applied, e.g. because the node refreshes the snapshot metadata
 * with {@link WriteBatch#setSnapshotMeta} in every batch that advances the applied index and the
 * source runs on the thread that commits those batches.
 */
@FunctionalInterface
public interface SnapshotSource {
    byte[] snapshotData(long groupId, SnapshotMetadata meta);
}

package io.conclave.raft;

/** A state-machine image at {@code metadata.index()}; {@code data} is opaque to Raft. */
public record Snapshot(SnapshotMetadata metadata, byte[] data) {
    public static final Snapshot EMPTY = new Snapshot(SnapshotMetadata.EMPTY, new byte[0]);

    public Snapshot {
        if (data == null) data = new byte[0];
    }

    public boolean isEmpty() {
        return metadata.index() == 0;
    }
}

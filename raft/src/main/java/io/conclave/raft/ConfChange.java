package io.conclave.raft;

import java.nio.ByteBuffer;

/**
 * A single membership change; Conclave applies at most one at a time per group. It travels in
 * the data of an {@link EntryType#CONF_CHANGE} entry, encoded by {@link #encode()}.
 */
public record ConfChange(ConfChangeType type, long nodeId) {
    /** Encoding version byte; bump it if the layout ever changes. */
    private static final byte VERSION = 1;
    private static final int ENCODED_BYTES = 1 + 1 + Long.BYTES;

    public enum ConfChangeType {
        ADD_VOTER,
        ADD_LEARNER,
        REMOVE_NODE
    }

    public ConfChange {
        if (type == null) throw new IllegalArgumentException("conf change type must not be null");
        if (nodeId == 0) throw new IllegalArgumentException("conf change node id must not be 0");
    }

    /** [version 1B][type ordinal 1B][node id 8B big-endian]. */
    public byte[] encode() {
        return ByteBuffer.allocate(ENCODED_BYTES).put(VERSION).put((byte) type.ordinal()).putLong(nodeId).array();
    }

    /** @throws IllegalArgumentException if {@code data} is not an encoded conf change */
    public static ConfChange decode(byte[] data) {
        if (data == null || data.length != ENCODED_BYTES) {
            throw new IllegalArgumentException("conf change must be " + ENCODED_BYTES + " bytes, was "
                    + (data == null ? "null" : data.length));
        }
        ByteBuffer buf = ByteBuffer.wrap(data);
        byte version = buf.get();
        if (version != VERSION) throw new IllegalArgumentException("unknown conf change encoding version " + version);
        int ordinal = buf.get();
        ConfChangeType[] types = ConfChangeType.values();
        if (ordinal < 0 || ordinal >= types.length) {
            throw new IllegalArgumentException("unknown conf change type " + ordinal);
        }
        return new ConfChange(types[ordinal], buf.getLong());
    }
}

package io.conclave.range.multiraft;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The state-machine key layout and the key-to-group mapping.
 *
 * <p>A user key {@code k} of group {@code g} is stored as {@code [g as 8 bytes big-endian][k]}, so
 * one group's keys are one contiguous range: a snapshot is a prefix scan and installing one is a
 * range delete. Groups are numbered from 1; a key belongs to group {@code 1 + fnv1a64(k) mod G}.
 * The hash must never change: it decides where existing data lives.
 */
public final class KvKeys {
    /**
     * Longest user key. LMDB refuses keys above 511 bytes and the group prefix takes 8; 256 leaves
     * room for a later MVCC timestamp suffix.
     */
    public static final int MAX_KEY_BYTES = 256;
    /** Largest value: one Raft entry per write, and entries must fit in a frame and a message. */
    public static final int MAX_VALUE_BYTES = 1 << 20;

    static final int PREFIX_BYTES = 8;

    private KvKeys() {}

    /** The group that owns {@code userKey} when there are {@code groupCount} groups. */
    public static long groupOf(byte[] userKey, int groupCount) {
        if (groupCount < 1) throw new IllegalArgumentException("groupCount must be >= 1, was " + groupCount);
        long h = 0xcbf29ce484222325L;
        for (byte b : userKey) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return 1 + Long.remainderUnsigned(h, groupCount);
    }

    static byte[] stateKey(long groupId, byte[] userKey) {
        return ByteBuffer.allocate(PREFIX_BYTES + userKey.length).putLong(groupId).put(userKey).array();
    }

    static byte[] userKey(byte[] stateKey) {
        return Arrays.copyOfRange(stateKey, PREFIX_BYTES, stateKey.length);
    }

    static byte[] groupStart(long groupId) {
        return ByteBuffer.allocate(PREFIX_BYTES).putLong(groupId).array();
    }

    /**
     * Where a node listens, as this node learned it from a group's log. Group 0 is never a KV
     * group, so its prefix holds such node-local records.
     */
    static byte[] nodeAddressKey(long nodeId) {
        return ByteBuffer.allocate(PREFIX_BYTES + 1 + 8).putLong(0).put((byte) 'a').putLong(nodeId).array();
    }

    static byte[] nodeAddressStart() {
        return ByteBuffer.allocate(PREFIX_BYTES + 1).putLong(0).put((byte) 'a').array();
    }

    static byte[] nodeAddressEnd() {
        return ByteBuffer.allocate(PREFIX_BYTES + 1).putLong(0).put((byte) ('a' + 1)).array();
    }

    /** The first key after every key of {@code groupId}. */
    static byte[] groupEnd(long groupId) {
        return groupStart(groupId + 1);
    }
}

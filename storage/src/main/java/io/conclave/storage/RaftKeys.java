package io.conclave.storage;

import java.nio.ByteBuffer;

/**
 * Keys of the "raft" table: {@code [groupId 8B][kind 1B]} for a group's single-valued state and
 * {@code [groupId 8B][LOG][index 8B]} for its log, all big-endian so that LMDB's bytewise order
 * keeps one group's keys contiguous, its log sorted by index and last in the group. Group ids and
 * indexes are never negative, so the signed longs sort as unsigned bytes.
 */
final class RaftKeys {
    static final byte KIND_HARD_STATE = 0x01;
    static final byte KIND_TRUNCATED_STATE = 0x02;
    static final byte KIND_SNAPSHOT_META = 0x03;
    static final byte KIND_APPLIED_STATE = 0x04;
    /** Highest kind in use, so a group's log is the end of its key span. */
    static final byte KIND_LOG = 0x10;
    /** Above every kind: {@code [groupId][KIND_END]} bounds a group's span from above. */
    static final byte KIND_END = 0x11;

    static final int STATE_KEY_BYTES = 9;
    static final int LOG_KEY_BYTES = 17;

    private RaftKeys() {}

    static byte[] stateKey(long groupId, byte kind) {
        return ByteBuffer.allocate(STATE_KEY_BYTES).putLong(groupId).put(kind).array();
    }

    static byte[] logKey(long groupId, long index) {
        return ByteBuffer.allocate(LOG_KEY_BYTES).putLong(groupId).put(KIND_LOG).putLong(index).array();
    }

    /** The first possible key of a group: below its every key. */
    static byte[] groupStart(long groupId) {
        return stateKey(groupId, (byte) 0);
    }

    /** Above every key of the group and below every key of the next group. */
    static byte[] groupEnd(long groupId) {
        return stateKey(groupId, KIND_END);
    }

    static long groupOf(byte[] key) {
        Invariants.check(key.length >= 8, "raft key of %s bytes is too short", key.length);
        return ByteBuffer.wrap(key).getLong(0);
    }

    static byte kindOf(byte[] key) {
        Invariants.check(key.length >= 9, "raft key of %s bytes has no kind", key.length);
        return key[8];
    }

    static boolean isLogKey(byte[] key, long groupId) {
        return key.length == LOG_KEY_BYTES && groupOf(key) == groupId && key[8] == KIND_LOG;
    }

    static long indexOf(byte[] logKey) {
        Invariants.check(logKey.length == LOG_KEY_BYTES && logKey[8] == KIND_LOG,
                "not a log key: %s", Bytes.toDisplay(logKey));
        return ByteBuffer.wrap(logKey).getLong(9);
    }
}

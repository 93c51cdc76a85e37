package io.conclave.range;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The layout of the keyspace, shared by the replicas that store keys and the clients that route
 * them. Keys compare as unsigned bytes.
 *
 * <pre>
 *   0x01 ...                local keys: never addressed by a client, never in a range's span
 *     0x01 'r' rangeId ...    range-local, replicated with the range (descriptor, lease)
 *     0x01 'n' ...            node-local, this store only (peer addresses, range tombstones)
 *   [0x02, 0x03)            meta: one record per range, at 0x02 + the range's end key
 *   [0x03, 0x04)            system: node liveness, the node-id and range-id counters
 *   [0x04, KEY_MAX)         user keys
 * </pre>
 *
 * Range 1 spans [KEY_MIN, USER_START): the meta and system records. It never splits, so a
 * client always knows where meta lives. A meta record is keyed by its range's END key because a
 * range holds {@code k} iff {@code start <= k < end}: the first meta record after {@code k} names
 * the range of {@code k} (see {@link #metaLookupStart}).
 */
public final class Keys {
    /**
     * Longest user key. LMDB refuses keys above 511 bytes, and a user key is stored MVCC-encoded
     * (io.conclave.range.mvcc.MvccKeys): every byte may be escaped to two, plus a 2-byte kind
     * and a 12-byte timestamp or 16-byte transaction id. 2 * 240 + 2 + 16 = 498 fits.
     */
    public static final int MAX_KEY_BYTES = 240;
    /** Largest value: a write is one Raft entry, and entries must fit in a message and a frame. */
    public static final int MAX_VALUE_BYTES = 1 << 20;

    public static final byte[] KEY_MIN = {};
    /** Every range has a concrete end; the last one ends here. No user key may reach it. */
    public static final byte[] KEY_MAX = {(byte) 0xff, (byte) 0xff};
    public static final byte[] META_START = {0x02};
    public static final byte[] META_END = {0x03};
    public static final byte[] SYSTEM_START = {0x03};
    public static final byte[] SYSTEM_END = {0x04};
    public static final byte[] USER_START = {0x04};

    /** The range that holds meta and system records, created by bootstrap, never split. */
    public static final long META_RANGE_ID = 1;
    /** The first user range, created by bootstrap over [USER_START, KEY_MAX). */
    public static final long FIRST_USER_RANGE_ID = 2;

    private static final byte LOCAL = 0x01;
    private static final byte RANGE_LOCAL = 'r';
    private static final byte NODE_LOCAL = 'n';

    private Keys() {}

    // ---- meta and system ----

    public static byte[] metaKey(byte[] rangeEndKey) {
        return concat(META_START, rangeEndKey);
    }

    /** The range end a meta key names. */
    public static byte[] rangeEndOfMetaKey(byte[] metaKey) {
        return Arrays.copyOfRange(metaKey, META_START.length, metaKey.length);
    }

    /** Scan meta from here (to META_END): the first record found describes the range of {@code key}. */
    public static byte[] metaLookupStart(byte[] key) {
        return concat(metaKey(key), new byte[] {0x00});
    }

    public static byte[] livenessKey(long nodeId) {
        return ByteBuffer.allocate(2 + 8).put(SYSTEM_START).put((byte) 'l').putLong(nodeId).array();
    }

    public static byte[] livenessStart() {
        return new byte[] {SYSTEM_START[0], 'l'};
    }

    public static byte[] livenessEnd() {
        return new byte[] {SYSTEM_START[0], 'l' + 1};
    }

    /** Counter (8-byte big-endian) of the highest node id handed out. */
    public static byte[] nodeIdCounterKey() {
        return new byte[] {SYSTEM_START[0], 'n'};
    }

    /** Counter (8-byte big-endian) of the highest range id handed out. */
    public static byte[] rangeIdCounterKey() {
        return new byte[] {SYSTEM_START[0], 'r'};
    }

    // ---- local keys ----

    public static byte[] rangeDescriptorKey(long rangeId) {
        return rangeLocalKey(rangeId, "desc");
    }

    public static byte[] rangeLeaseKey(long rangeId) {
        return rangeLocalKey(rangeId, "lease");
    }

    /**
     * The range's MVCC garbage-collection threshold (a TimestampProto): versions a read below it
     * would need may be gone, so such reads are refused. Only ever rises.
     */
    public static byte[] rangeGcThresholdKey(long rangeId) {
        return rangeLocalKey(rangeId, "gc");
    }

    /** All range-local keys of {@code rangeId} lie in [rangeLocalStart, rangeLocalEnd). */
    public static byte[] rangeLocalStart(long rangeId) {
        return ByteBuffer.allocate(2 + 8).put(LOCAL).put(RANGE_LOCAL).putLong(rangeId).array();
    }

    public static byte[] rangeLocalEnd(long rangeId) {
        return rangeLocalStart(rangeId + 1);
    }

    static byte[] rangeLocalKey(long rangeId, String suffix) {
        return concat(rangeLocalStart(rangeId), suffix.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    public static byte[] nodeLocalKey(String name) {
        return concat(new byte[] {LOCAL, NODE_LOCAL}, name.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** Where a node listens, as this node learned it from a range's log (node-local). */
    public static byte[] nodeAddressKey(long nodeId) {
        return nodeLocalIdKey(NODE_ADDRESS, nodeId);
    }

    public static byte[] nodeAddressStart() {
        return new byte[] {LOCAL, NODE_LOCAL, NODE_ADDRESS};
    }

    public static byte[] nodeAddressEnd() {
        return new byte[] {LOCAL, NODE_LOCAL, NODE_ADDRESS + 1};
    }

    /**
     * A range tombstone (node-local): this node destroyed its replica of {@code rangeId} after
     * learning it was removed (replica GC). The value is the 8-byte big-endian generation of the
     * descriptor that showed the removal; snapshots of the range at or below it are refused, and
     * the replica that may follow it does not vote until a newer snapshot initialized it. Node-local,
     * not range-local: it must survive the range-local keys it replaces and never travel in a
     * snapshot.
     */
    public static byte[] rangeTombstoneKey(long rangeId) {
        return nodeLocalIdKey(RANGE_TOMBSTONE, rangeId);
    }

    public static byte[] rangeTombstoneStart() {
        return new byte[] {LOCAL, NODE_LOCAL, RANGE_TOMBSTONE};
    }

    public static byte[] rangeTombstoneEnd() {
        return new byte[] {LOCAL, NODE_LOCAL, RANGE_TOMBSTONE + 1};
    }

    /** The range id a {@link #rangeTombstoneKey} names. */
    public static long rangeIdOfTombstoneKey(byte[] key) {
        return idOfNodeLocalIdKey(key);
    }

    /** The node id a {@link #nodeAddressKey} names. */
    public static long nodeIdOfAddressKey(byte[] key) {
        return idOfNodeLocalIdKey(key);
    }

    // Node-local records keyed by an id: [LOCAL, NODE_LOCAL, kind, 8-byte big-endian id].
    private static final byte NODE_ADDRESS = 'a';
    private static final byte RANGE_TOMBSTONE = 't';

    private static byte[] nodeLocalIdKey(byte kind, long id) {
        return ByteBuffer.allocate(3 + 8).put(LOCAL).put(NODE_LOCAL).put(kind).putLong(id).array();
    }

    private static long idOfNodeLocalIdKey(byte[] key) {
        return ByteBuffer.wrap(key, 3, 8).getLong();
    }

    /** The first key of a range's span that its replicas store data under (local keys excluded). */
    public static byte[] dataStart(byte[] rangeStart) {
        return compare(rangeStart, META_START) < 0 ? META_START : rangeStart;
    }

    // ---- validation ----

    /** Null if {@code key} may be written by a client, otherwise why not. */
    public static String checkUserKey(byte[] key) {
        if (key.length == 0) return "empty key";
        if (key.length > MAX_KEY_BYTES) {
            return "too large: key of " + key.length + " bytes; the limit is " + MAX_KEY_BYTES;
        }
        if (compare(key, USER_START) < 0) return "keys below 0x04 are reserved for the system";
        if (compare(key, KEY_MAX) >= 0) return "keys from 0xffff on are reserved for the system";
        return null;
    }

    /** Null if {@code value} may be written by a client, otherwise why not. */
    public static String checkValue(byte[] value) {
        if (value.length > MAX_VALUE_BYTES) {
            return "too large: value of " + value.length + " bytes; the limit is " + MAX_VALUE_BYTES;
        }
        return null;
    }

    // ---- byte helpers ----

    /** Unsigned lexicographic order, the order of the store and of ranges. */
    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /** Whether {@code key} lies in [start, end). */
    public static boolean contains(byte[] start, byte[] end, byte[] key) {
        return compare(start, key) <= 0 && compare(key, end) < 0;
    }

    /** The smallest key greater than {@code key}. */
    public static byte[] next(byte[] key) {
        return concat(key, new byte[] {0x00});
    }

    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    /** Printable form for messages and the command line: ASCII as is, other bytes as \xNN. */
    public static String pretty(byte[] key) {
        if (Arrays.equals(key, KEY_MAX)) return "/Max";
        if (key.length == 0) return "/Min";
        // Built by hand, not with String.format: transaction reads name their key in this form on
        // every request, and a formatter per byte cost several percent of a node's CPU.
        StringBuilder sb = new StringBuilder(key.length + 16);
        for (byte b : key) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append('\\').append('x').append(HEX_DIGITS[c >>> 4]).append(HEX_DIGITS[c & 0xf]);
            }
        }
        return sb.toString();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

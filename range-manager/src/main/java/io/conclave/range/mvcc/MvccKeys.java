package io.conclave.range.mvcc;

import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How multi-version user keys are laid out in the store.
 *
 * <p>A user key {@code K} ({@code >= Keys.USER_START}) is escaped (every 0x00 byte becomes
 * 0x00 0xFF) and followed by a two-byte kind marker:
 * <pre>
 *   escape(K) 00 01                          the intent of K        (an Intent proto)
 *   escape(K) 00 01 ~wall(8) ~logical(4)     a version of K         (tag byte + value)
 *   escape(K) 00 02 txnId(16)                a transaction record   (a TxnRecord proto)
 * </pre>
 * where {@code ~wall = Long.MAX_VALUE - wallNanos} and {@code ~logical = Integer.MAX_VALUE -
 * logical}, big-endian, so that versions sort newest first right after the intent.
 *
 * <p>Why this is safe: the escape keeps the unsigned order of user keys and makes their
 * encodings prefix-free. Inside escape(K) a 0x00 is always followed by 0xFF, so the first place
 * where escape(K) 00 0x and the encoding of a longer key K+x differ has 0x00 0x01/0x02 against
 * either a non-zero byte or 0x00 0xFF: every store key of K sorts before every store key of any
 * key greater than K (including extensions of K). Records therefore live in their anchor key's
 * range, move with its splits and travel in its snapshots.
 *
 * <p>Hazard: the encoding of a 240-byte user key of zeros is 2*240 + 2 + 12 = 494 bytes; longer
 * user keys could exceed LMDB's 511-byte key limit, which is why Keys.MAX_KEY_BYTES is 240.
 */
public final class MvccKeys {
    private static final byte ESCAPE = 0x00;
    private static final byte ESCAPED_ZERO = (byte) 0xFF;
    private static final byte KIND_VALUE = 0x01;
    private static final byte KIND_RECORD = 0x02;
    /** One past every kind marker: escape(K) 00 03 bounds all store keys of K from above. */
    private static final byte KIND_END = 0x03;
    static final int TIMESTAMP_BYTES = 12;
    public static final int TXN_ID_BYTES = 16;

    private static final byte TAG_TOMBSTONE = 0x00;
    private static final byte TAG_VALUE = 0x01;

    public enum Kind { INTENT, VERSION, RECORD }

    /**
     * The key under which a leaseholder's timestamp cache marks the record of transaction
     * {@code txnId} (anchored at {@code anchorKey}) removed: the record's store key. The cache
     * keeps these marks apart from reads, since a read of a user span can cover a record's store
     * key and must not look like a removal.
     */
    public static byte[] recordMarkerKey(byte[] anchorKey, byte[] txnId) {
        return txnRecordKey(anchorKey, txnId);
    }

    /**
     * A store key taken apart. {@code ts} is set for a VERSION only, {@code txnId} for a RECORD
     * only.
     */
    public record Decoded(byte[] userKey, Kind kind, Timestamp ts, byte[] txnId) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Decoded d && Arrays.equals(userKey, d.userKey) && kind == d.kind
                    && java.util.Objects.equals(ts, d.ts) && Arrays.equals(txnId, d.txnId);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(userKey) * 31 + kind.hashCode();
        }

        @Override
        public String toString() {
            return Keys.pretty(userKey) + "/" + kind + (ts != null ? "@" + ts : "")
                    + (txnId != null ? "/" + Keys.pretty(txnId) : "");
        }
    }

    private MvccKeys() {}

    /** Whether {@code userKey} is multi-version: at or above {@link Keys#USER_START}. */
    public static boolean isMvcc(byte[] userKey) {
        return Keys.compare(userKey, Keys.USER_START) >= 0;
    }

    /** escape(K) 00 01: the first store key of K, where its intent lives. */
    public static byte[] encode(byte[] userKey) {
        return withMarker(userKey, KIND_VALUE, 0);
    }

    /** The same key as {@link #encode}: a key's one intent sorts before all its versions. */
    public static byte[] intentKey(byte[] userKey) {
        return encode(userKey);
    }

    /** The store key of K's version at {@code ts}; newer versions sort first. */
    public static byte[] versionKey(byte[] userKey, Timestamp ts) {
        byte[] out = withMarker(userKey, KIND_VALUE, TIMESTAMP_BYTES);
        ByteBuffer.wrap(out, out.length - TIMESTAMP_BYTES, TIMESTAMP_BYTES)
                .putLong(Long.MAX_VALUE - ts.wallNanos())
                .putInt(Integer.MAX_VALUE - ts.logical());
        return out;
    }

    /** The store key of transaction {@code txnId}'s record, anchored at {@code anchorKey}. */
    public static byte[] txnRecordKey(byte[] anchorKey, byte[] txnId) {
        if (txnId.length != TXN_ID_BYTES) {
            throw new IllegalArgumentException("a transaction id is " + TXN_ID_BYTES + " bytes, got " + txnId.length);
        }
        byte[] out = withMarker(anchorKey, KIND_RECORD, TXN_ID_BYTES);
        System.arraycopy(txnId, 0, out, out.length - TXN_ID_BYTES, TXN_ID_BYTES);
        return out;
    }

    /**
     * Where a range boundary lies in the store: raw below {@link Keys#USER_START} (meta and
     * system keys are stored as is), {@link #encode} otherwise (KEY_MAX included). A range's
     * user data {@code [s, e)} is stored in {@code [storeKey(s), storeKey(e))}.
     */
    public static byte[] storeKey(byte[] boundary) {
        return isMvcc(boundary) ? encode(boundary) : boundary.clone();
    }

    /** escape(K) 00 02: every intent and version of K sorts below it, K's records at or above. */
    static byte[] versionsEnd(byte[] userKey) {
        return withMarker(userKey, KIND_RECORD, 0);
    }

    /** escape(K) 00 03: above every store key of K, below every store key of a greater user key. */
    static byte[] keyEnd(byte[] userKey) {
        return withMarker(userKey, KIND_END, 0);
    }

    /** Takes a store key of a user key apart; IllegalArgumentException if it is not one. */
    public static Decoded decode(byte[] storeKey) {
        ByteArrayOutputStream user = new ByteArrayOutputStream(storeKey.length);
        int i = 0;
        while (i < storeKey.length) {
            byte b = storeKey[i];
            if (b != ESCAPE) {
                user.write(b);
                i++;
                continue;
            }
            if (i + 1 >= storeKey.length) throw garbage(storeKey, "it ends inside an escape");
            byte marker = storeKey[i + 1];
            if (marker == ESCAPED_ZERO) {
                user.write(0);
                i += 2;
                continue;
            }
            byte[] userKey = user.toByteArray();
            if (!isMvcc(userKey)) throw garbage(storeKey, "its user key is below 0x04");
            int rest = storeKey.length - (i + 2);
            if (marker == KIND_VALUE && rest == 0) return new Decoded(userKey, Kind.INTENT, null, null);
            if (marker == KIND_VALUE && rest == TIMESTAMP_BYTES) {
                ByteBuffer buf = ByteBuffer.wrap(storeKey, i + 2, TIMESTAMP_BYTES);
                long wall = Long.MAX_VALUE - buf.getLong();
                int logical = Integer.MAX_VALUE - buf.getInt();
                if (wall < 0 || logical < 0) throw garbage(storeKey, "its timestamp is out of range");
                return new Decoded(userKey, Kind.VERSION, new Timestamp(wall, logical), null);
            }
            if (marker == KIND_RECORD && rest == TXN_ID_BYTES) {
                return new Decoded(userKey, Kind.RECORD, null, Arrays.copyOfRange(storeKey, i + 2, storeKey.length));
            }
            throw garbage(storeKey, "marker 0x" + Integer.toHexString(marker & 0xff) + " followed by " + rest + " bytes");
        }
        throw garbage(storeKey, "it has no kind marker");
    }

    /** A version's stored value: tag 0x01 then the user value. */
    public static byte[] encodeValue(byte[] value) {
        byte[] out = new byte[value.length + 1];
        out[0] = TAG_VALUE;
        System.arraycopy(value, 0, out, 1, value.length);
        return out;
    }

    /** A version's stored value for a delete: the single tag byte 0x00. */
    public static byte[] tombstone() {
        return new byte[] {TAG_TOMBSTONE};
    }

    /** Whether a stored version value is a tombstone; throws on an empty (corrupt) value. */
    public static boolean isTombstone(byte[] storedVersion) {
        checkVersionValue(storedVersion);
        return storedVersion[0] == TAG_TOMBSTONE;
    }

    /** The user value of a stored version (empty for a tombstone). */
    public static byte[] decodeValue(byte[] storedVersion) {
        checkVersionValue(storedVersion);
        return Arrays.copyOfRange(storedVersion, 1, storedVersion.length);
    }

    private static void checkVersionValue(byte[] stored) {
        Invariants.check(stored.length >= 1, "corrupt MVCC version value: empty");
        Invariants.check(stored[0] == TAG_VALUE || stored[0] == TAG_TOMBSTONE && stored.length == 1,
                "corrupt MVCC version value of %d bytes with tag 0x%s", stored.length,
                Integer.toHexString(stored[0] & 0xff));
    }

    private static byte[] withMarker(byte[] userKey, byte marker, int suffixBytes) {
        int zeros = 0;
        for (byte b : userKey) {
            if (b == 0) zeros++;
        }
        byte[] out = new byte[userKey.length + zeros + 2 + suffixBytes];
        int o = 0;
        for (byte b : userKey) {
            out[o++] = b;
            if (b == 0) out[o++] = ESCAPED_ZERO;
        }
        out[o++] = ESCAPE;
        out[o] = marker;
        return out;
    }

    private static IllegalArgumentException garbage(byte[] storeKey, String why) {
        return new IllegalArgumentException("not an MVCC store key: " + Keys.pretty(storeKey) + " (" + why + ")");
    }
}

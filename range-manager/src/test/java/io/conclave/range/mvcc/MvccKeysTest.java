package io.conclave.range.mvcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MvccKeysTest {
    private static final long SEED = 0x5eed_0001L;

    /** A random user key, rich in 0x00, 0x01, 0x02 and 0xFF bytes (the escape and marker bytes). */
    static byte[] randomKey(SplittableRandom rnd, int maxLen) {
        int len = 1 + rnd.nextInt(maxLen);
        byte[] k = new byte[len];
        byte[] interesting = {0x00, 0x01, 0x02, 0x03, 0x04, (byte) 0xFE, (byte) 0xFF, 'a'};
        for (int i = 0; i < len; i++) {
            k[i] = rnd.nextInt(3) == 0 ? (byte) rnd.nextInt(256) : interesting[rnd.nextInt(interesting.length)];
        }
        k[0] = (byte) (0x04 + rnd.nextInt(0xFF - 0x04)); // a user key, below KEY_MAX
        return k;
    }

    static Timestamp randomTs(SplittableRandom rnd) {
        return rnd.nextInt(4) == 0 ? new Timestamp(rnd.nextInt(3), rnd.nextInt(3))
                : new Timestamp(rnd.nextLong(Long.MAX_VALUE), rnd.nextInt(Integer.MAX_VALUE));
    }

    /** All store keys of a user key, in the order they must sort. */
    private static List<byte[]> storeKeys(SplittableRandom rnd, byte[] user) {
        List<byte[]> out = new ArrayList<>();
        out.add(MvccKeys.intentKey(user));
        out.add(MvccKeys.versionKey(user, Timestamp.MAX));
        out.add(MvccKeys.versionKey(user, randomTs(rnd)));
        out.add(MvccKeys.versionKey(user, Timestamp.MIN));
        byte[] id = new byte[16];
        out.add(MvccKeys.txnRecordKey(user, id));
        for (int i = 0; i < 16; i++) id[i] = (byte) rnd.nextInt(256);
        out.add(MvccKeys.txnRecordKey(user, id));
        return out;
    }

    @Test
    void orderIsPreservedAndEncodingsArePrefixFree() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        for (int i = 0; i < 20_000; i++) {
            byte[] a = randomKey(rnd, 6);
            byte[] b = rnd.nextInt(4) == 0 ? extend(a, rnd) : randomKey(rnd, 6);
            int userOrder = Integer.signum(Keys.compare(a, b));
            if (userOrder == 0) continue;
            byte[] lo = userOrder < 0 ? a : b;
            byte[] hi = userOrder < 0 ? b : a;
            for (byte[] x : storeKeys(rnd, lo)) {
                for (byte[] y : storeKeys(rnd, hi)) {
                    assertTrue(Keys.compare(x, y) < 0, () -> "seed " + SEED + ": " + Keys.pretty(x) + " !< " + Keys.pretty(y));
                }
            }
            assertTrue(Keys.compare(MvccKeys.keyEnd(lo), MvccKeys.encode(hi)) <= 0, "seed " + SEED);
        }
    }

    private static byte[] extend(byte[] a, SplittableRandom rnd) {
        byte[] b = java.util.Arrays.copyOf(a, a.length + 1 + rnd.nextInt(2));
        for (int i = a.length; i < b.length; i++) b[i] = (byte) (rnd.nextBoolean() ? 0 : rnd.nextInt(256));
        return b;
    }

    @Test
    void versionsSortNewestFirstAfterTheIntentAndBeforeRecords() {
        SplittableRandom rnd = new SplittableRandom(SEED + 1);
        for (int i = 0; i < 5_000; i++) {
            byte[] k = randomKey(rnd, 4);
            Timestamp t1 = randomTs(rnd);
            Timestamp t2 = randomTs(rnd);
            int expected = -Integer.signum(t1.compareTo(t2));
            assertEquals(expected, Integer.signum(Keys.compare(MvccKeys.versionKey(k, t1), MvccKeys.versionKey(k, t2))),
                    "seed " + (SEED + 1));
            assertTrue(Keys.compare(MvccKeys.intentKey(k), MvccKeys.versionKey(k, t1)) < 0);
            assertTrue(Keys.compare(MvccKeys.versionKey(k, t1), MvccKeys.versionsEnd(k)) < 0);
            assertTrue(Keys.compare(MvccKeys.versionsEnd(k), MvccKeys.txnRecordKey(k, new byte[16])) <= 0);
        }
    }

    @Test
    void decodeRoundTrips() {
        SplittableRandom rnd = new SplittableRandom(SEED + 2);
        for (int i = 0; i < 5_000; i++) {
            byte[] k = randomKey(rnd, 10);
            Timestamp ts = randomTs(rnd);
            byte[] id = new byte[16];
            for (int j = 0; j < 16; j++) id[j] = (byte) rnd.nextInt(256);
            assertEquals(new MvccKeys.Decoded(k, MvccKeys.Kind.INTENT, null, null), MvccKeys.decode(MvccKeys.intentKey(k)));
            assertEquals(new MvccKeys.Decoded(k, MvccKeys.Kind.VERSION, ts, null), MvccKeys.decode(MvccKeys.versionKey(k, ts)));
            assertEquals(new MvccKeys.Decoded(k, MvccKeys.Kind.RECORD, null, id), MvccKeys.decode(MvccKeys.txnRecordKey(k, id)));
        }
    }

    @Test
    void decodeRefusesGarbage() {
        assertThrows(IllegalArgumentException.class, () -> MvccKeys.decode(new byte[] {'a', 'b'}));
        assertThrows(IllegalArgumentException.class, () -> MvccKeys.decode(new byte[] {'a', 0x00}));
        assertThrows(IllegalArgumentException.class, () -> MvccKeys.decode(new byte[] {'a', 0x00, 0x01, 0x05}));
        assertThrows(IllegalArgumentException.class, () -> MvccKeys.decode(new byte[] {'a', 0x00, 0x07}));
        assertThrows(IllegalArgumentException.class, () -> MvccKeys.decode(new byte[] {0x02, 0x00, 0x01}));
        assertThrows(IllegalArgumentException.class, () -> MvccKeys.txnRecordKey(new byte[] {'a'}, new byte[3]));
    }

    @Test
    void escapingIsAsSpecified() {
        assertArrayEquals(new byte[] {'a', 0x00, (byte) 0xFF, 'b', 0x00, 0x01}, MvccKeys.encode(new byte[] {'a', 0x00, 'b'}));
        assertArrayEquals(MvccKeys.encode(new byte[] {'k'}), MvccKeys.intentKey(new byte[] {'k'}));
        byte[] v = MvccKeys.versionKey(new byte[] {'k'}, new Timestamp(5, 7));
        assertEquals(2 + 1 + 12, v.length);
        assertEquals(Long.MAX_VALUE - 5, java.nio.ByteBuffer.wrap(v, 3, 8).getLong());
        assertEquals(Integer.MAX_VALUE - 7, java.nio.ByteBuffer.wrap(v, 11, 4).getInt());
    }

    @Test
    void boundariesAndLimits() {
        assertArrayEquals(Keys.KEY_MIN, MvccKeys.storeKey(Keys.KEY_MIN));
        assertArrayEquals(Keys.META_START, MvccKeys.storeKey(Keys.META_START));
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x00, 0x01}, MvccKeys.storeKey(Keys.KEY_MAX));
        assertArrayEquals(MvccKeys.encode(Keys.USER_START), MvccKeys.storeKey(Keys.USER_START));
        // Every user key's store keys lie inside [storeKey(USER_START), storeKey(KEY_MAX)), above meta and system.
        SplittableRandom rnd = new SplittableRandom(SEED + 3);
        for (int i = 0; i < 2_000; i++) {
            for (byte[] x : storeKeys(rnd, randomKey(rnd, 8))) {
                assertTrue(Keys.compare(MvccKeys.storeKey(Keys.USER_START), x) <= 0);
                assertTrue(Keys.compare(x, MvccKeys.storeKey(Keys.KEY_MAX)) < 0);
                assertTrue(Keys.compare(Keys.SYSTEM_END, x) <= 0);
            }
        }
        // The worst case, a 240-byte key of zero bytes after its first, fits LMDB's 511-byte limit.
        byte[] worst = new byte[240];
        worst[0] = 0x04;
        assertTrue(MvccKeys.versionKey(worst, Timestamp.MAX).length <= 511);
        assertTrue(MvccKeys.txnRecordKey(worst, new byte[16]).length <= 511);
        assertEquals(2 * 240 - 1 + 2 + 16, MvccKeys.txnRecordKey(worst, new byte[16]).length);
        byte[] longest = new byte[Keys.MAX_KEY_BYTES];
        longest[0] = 0x04;
        assertTrue(MvccKeys.versionKey(longest, Timestamp.MAX).length <= 511, "Keys.MAX_KEY_BYTES is too large for LMDB");
        assertTrue(MvccKeys.isMvcc(Keys.USER_START));
        assertTrue(!MvccKeys.isMvcc(Keys.SYSTEM_START));
    }

    @Test
    void versionValues() {
        assertTrue(MvccKeys.isTombstone(MvccKeys.tombstone()));
        byte[] v = MvccKeys.encodeValue(new byte[] {1, 2});
        assertTrue(!MvccKeys.isTombstone(v));
        assertArrayEquals(new byte[] {1, 2}, MvccKeys.decodeValue(v));
        assertArrayEquals(new byte[0], MvccKeys.decodeValue(MvccKeys.encodeValue(new byte[0])));
    }
}

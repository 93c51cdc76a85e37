package io.conclave.range.mvcc;

import static io.conclave.range.mvcc.Harness.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.rpc.KvDeleteRange;
import io.conclave.range.rpc.KvDelete;
import io.conclave.range.rpc.KvGet;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.KvScan;
import io.conclave.range.rpc.MvccGc;
import io.conclave.range.rpc.TxnReadOptions;
import io.conclave.range.rpc.TxnScan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Seeded random histories of non-transactional writes compared with a model (key -> versions),
 * and GC checked against reads at and above its threshold.
 */
class MvccModelTest {
    private static final long SEED = Long.getLong("mvcc.seed", 0xC0FFEEL);

    /** The model: for each user key, its versions by timestamp (null value: tombstone). */
    private static final class Model {
        final TreeMap<byte[], TreeMap<Timestamp, byte[]>> keys = new TreeMap<>(Keys::compare);

        void write(byte[] key, Timestamp ts, byte[] value) {
            keys.computeIfAbsent(key, k -> new TreeMap<>()).put(ts, value);
        }

        Timestamp newest(byte[] key) {
            TreeMap<Timestamp, byte[]> v = keys.get(key);
            return v == null || v.isEmpty() ? null : v.lastKey();
        }

        byte[] read(byte[] key, Timestamp ts) {
            TreeMap<Timestamp, byte[]> v = keys.get(key);
            Map.Entry<Timestamp, byte[]> e = v == null ? null : v.floorEntry(ts);
            return e == null ? null : e.getValue();
        }

        List<String> scan(byte[] start, byte[] end, Timestamp ts) {
            List<String> out = new ArrayList<>();
            for (byte[] k : keys.subMap(start, true, end, false).keySet()) {
                byte[] v = read(k, ts);
                if (v != null) out.add(Keys.pretty(k) + "=" + Keys.pretty(v));
            }
            return out;
        }
    }

    private static byte[] key(SplittableRandom rnd) {
        // Few keys, some extending others and holding 0x00 bytes, so that escaping and prefix order matter.
        byte[][] pool = {{'a'}, {'a', 0}, {'a', 0, 0}, {'a', 1}, {'a', (byte) 0xFF}, {'b'}, {'b', 0, 'c'}, {'c'},
                {0x04}, {0x04, 0}, {(byte) 0xFE, (byte) 0xFF}};
        return pool[rnd.nextInt(pool.length)];
    }

    private static List<String> pairs(KvResponse r) {
        List<String> out = new ArrayList<>();
        r.getPairsList().forEach(p -> out.add(Keys.pretty(p.getKey().toByteArray()) + "=" + Keys.pretty(p.getValue().toByteArray())));
        return out;
    }

    /** A full scan at {@code ts} through the evaluator, following resume keys. */
    private static List<String> scanAll(Harness h, byte[] start, byte[] end, Timestamp ts, boolean txnScan, int limit) {
        List<String> out = new ArrayList<>();
        ByteString from = ByteString.copyFrom(start);
        for (int pages = 0; pages < 1_000; pages++) {
            KvRequest.Builder req = txnScan
                    ? KvRequest.newBuilder().setTxnScan(TxnScan.newBuilder().setStartKey(from).setEndKey(ByteString.copyFrom(end))
                            .setLimit(limit).setRead(TxnReadOptions.newBuilder().setReadTs(ts.toProto())))
                    : KvRequest.newBuilder().setScan(KvScan.newBuilder().setStartKey(from).setEndKey(ByteString.copyFrom(end))
                            .setLimit(limit));
            KvResponse r = ok(h.run(req, ts));
            out.addAll(pairs(r));
            if (r.getResumeKey().isEmpty()) return out;
            from = r.getResumeKey();
        }
        throw new AssertionError("scan did not finish in 1000 pages");
    }

    @Test
    void randomHistoriesMatchTheModel() {
        for (int round = 0; round < 30; round++) {
            long seed = SEED + round;
            try {
                runHistory(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("failed with -Dmvcc.seed=" + seed + " (round " + round + "): " + e.getMessage(), e);
            }
        }
    }

    private static void runHistory(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Harness h = new Harness(1 + rnd.nextInt(5));
        Model model = new Model();
        long clock = 1_000;
        for (int step = 0; step < 300; step++) {
            clock += rnd.nextInt(3); // often the same wall time: logical ticks and bumps matter
            Timestamp now = new Timestamp(clock, rnd.nextInt(3));
            h.writeFloor = rnd.nextInt(5) == 0 ? new Timestamp(clock + rnd.nextInt(5), rnd.nextInt(2)) : Timestamp.MIN;
            int op = rnd.nextInt(10);
            byte[] k = key(rnd);
            if (op < 4) {
                byte[] v = {(byte) step, (byte) (step >> 8)};
                KvResponse r = ok(h.run(KvRequest.newBuilder().setPut(KvPut.newBuilder().setKey(ByteString.copyFrom(k))
                        .setValue(ByteString.copyFrom(v))), now));
                checkWriteTs(model, k, r, now, h.writeFloor);
                model.write(k, Timestamp.fromProto(r.getWriteTs()), v);
            } else if (op < 6) {
                KvResponse r = ok(h.run(KvRequest.newBuilder().setDelete(KvDelete.newBuilder().setKey(ByteString.copyFrom(k))), now));
                checkWriteTs(model, k, r, now, h.writeFloor);
                model.write(k, Timestamp.fromProto(r.getWriteTs()), null);
            } else if (op == 6) {
                byte[] k2 = key(rnd);
                byte[] s = Keys.compare(k, k2) <= 0 ? k : k2;
                byte[] e = Keys.compare(k, k2) <= 0 ? k2 : k;
                List<String> live = model.scan(s, e, Timestamp.MAX);
                KvResponse r = ok(h.run(KvRequest.newBuilder().setDeleteRange(KvDeleteRange.newBuilder()
                        .setStartKey(ByteString.copyFrom(s)).setEndKey(ByteString.copyFrom(e))), now));
                assertEquals(live.size(), r.getDeleted());
                for (byte[] lk : model.keys.subMap(s, true, e, false).keySet()) {
                    if (model.read(lk, Timestamp.MAX) != null) model.write(lk, Timestamp.fromProto(r.getWriteTs()), null);
                }
            } else {
                // Read at a random past (or present) timestamp.
                Timestamp at = new Timestamp(1_000 + rnd.nextLong(clock - 999 + 2), rnd.nextInt(3));
                if (rnd.nextBoolean()) {
                    KvResponse r = ok(h.run(KvRequest.newBuilder().setGet(KvGet.newBuilder().setKey(ByteString.copyFrom(k))), at));
                    byte[] expected = model.read(k, at);
                    assertEquals(expected == null ? null : Keys.pretty(expected),
                            r.getFound() ? Keys.pretty(r.getValue().toByteArray()) : null, "get " + Keys.pretty(k) + " at " + at);
                } else {
                    byte[] end = {(byte) 0xFF, (byte) 0xFF};
                    assertEquals(model.scan(Keys.USER_START, end, at), scanAll(h, Keys.USER_START, end, at, rnd.nextBoolean(),
                            rnd.nextInt(4)), "scan at " + at);
                }
            }
        }
        checkGc(h, model, new Timestamp(1_000 + rnd.nextLong(clock - 999), rnd.nextInt(3)), 1 + rnd.nextInt(4), clock);
    }

    private static void checkWriteTs(Model model, byte[] k, KvResponse r, Timestamp now, Timestamp floor) {
        Timestamp ts = Timestamp.fromProto(r.getWriteTs());
        Timestamp newest = model.newest(k);
        assertTrue(ts.compareTo(now) >= 0 && ts.compareTo(floor) >= 0, "write at " + ts + " below now " + now + " or floor " + floor);
        assertTrue(newest == null || ts.isAfter(newest), "write at " + ts + " not above the newest version " + newest);
    }

    /** GC at {@code threshold}, a page of keys at a time: every read at or above it sees the same. */
    private static void checkGc(Harness h, Model model, Timestamp threshold, int pageKeys, long clock) {
        int rowsBefore = h.store.map.size();
        ByteString start = ByteString.EMPTY;
        long deleted = 0;
        for (int pages = 0; ; pages++) {
            assertTrue(pages < 1_000, "GC did not finish");
            KvResponse r = ok(h.run(KvRequest.newBuilder().setMvccGc(MvccGc.newBuilder().setThreshold(threshold.toProto())
                    .setStartKey(start).setMaxKeys(pageKeys)), new Timestamp(clock + 10, 0)));
            deleted += r.getDeleted();
            if (r.getGcResumeKey().isEmpty()) break;
            start = r.getGcResumeKey();
        }
        assertEquals(rowsBefore - deleted, h.store.map.size());
        // Expected versions left: for each key, those above the threshold plus the newest at or below it unless a tombstone.
        int expectedRows = 0;
        for (TreeMap<Timestamp, byte[]> versions : model.keys.values()) {
            expectedRows += versions.tailMap(threshold, false).size();
            Map.Entry<Timestamp, byte[]> kept = versions.floorEntry(threshold);
            if (kept != null && kept.getValue() != null) expectedRows++;
        }
        assertEquals(expectedRows, h.store.map.size(), "rows after GC at " + threshold);
        byte[] end = {(byte) 0xFF, (byte) 0xFF};
        // The threshold itself, just above it, and a sample of later timestamps.
        SplittableRandom rnd = new SplittableRandom(threshold.wallNanos());
        List<Timestamp> at = new ArrayList<>(List.of(threshold, threshold.next()));
        for (int i = 0; i < 30; i++) {
            at.add(new Timestamp(threshold.wallNanos() + rnd.nextLong(clock + 3 - threshold.wallNanos()), rnd.nextInt(3)));
        }
        for (Timestamp ts : at) {
            if (ts.isBefore(threshold)) continue;
            assertEquals(model.scan(Keys.USER_START, end, ts), scanAll(h, Keys.USER_START, end, ts, true, 0),
                    "scan at " + ts + " after GC at " + threshold);
        }
    }
}

package io.conclave.storage;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;
import io.conclave.raft.RaftStorage.CompactedException;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded random batches of every kind against a plain in-memory model of what the store must
 * hold, with reopens (caches rebuilt from LMDB) and tail caches from none to large. Every few
 * batches a batch that breaks a Raft log rule must be rejected whole. Rerun a failure with
 * {@code -Dstorage.seed=N}.
 */
class StoreModelTest {
    @TempDir
    Path dir;

    /** Raise with -Dstorage.modelSeeds=N for a longer hunt. */
    private static final int SEEDS = Integer.getInteger("storage.modelSeeds", 4);
    private static final int BATCHES_PER_SEED = 300;
    private static final long GROUPS = 3;
    private static final long[] TAIL_CACHE_BYTES = {0, 300, 1 << 20};

    /** What one group must read as. */
    static final class ModelGroup {
        boolean exists;
        final TreeMap<Long, Entry> log = new TreeMap<>();
        long truncIndex;
        long truncTerm;
        HardState hs = HardState.EMPTY;
        long applied;
        ConfState cs = ConfState.EMPTY;
        SnapshotMetadata snap = SnapshotMetadata.EMPTY;

        long last() {
            return log.isEmpty() ? truncIndex : log.lastKey();
        }

        long term(long i) {
            return i == truncIndex ? truncTerm : log.get(i).term();
        }
    }

    private final Map<Long, ModelGroup> model = new TreeMap<>();
    private final TreeMap<byte[], byte[]> modelData = new TreeMap<>(Arrays::compareUnsigned);

    @Test
    void randomBatchesMatchTheModel() {
        long root = Long.getLong("storage.seed", System.nanoTime());
        for (int i = 0; i < SEEDS; i++) {
            long seed = root + i;
            try {
                runSeed(seed, dir.resolve("seed-" + i));
            } catch (Throwable t) {
                throw new AssertionError("StoreModelTest failed; rerun with -Dstorage.seed=" + seed + ": " + t, t);
            }
        }
    }

    private void runSeed(long seed, Path storeDir) {
        SplittableRandom rnd = new SplittableRandom(seed);
        model.clear();
        modelData.clear();
        for (long g = 1; g <= GROUPS; g++) model.put(g, new ModelGroup());
        StoreOptions options = StoreOptions.defaults().withFsync(false).withMapSizeBytes(64L << 20);
        Store store = Store.open(storeDir, options.withTailCacheBytesPerGroup(TAIL_CACHE_BYTES[rnd.nextInt(3)]));
        try {
            for (int n = 0; n < BATCHES_PER_SEED; n++) {
                if (rnd.nextInt(10) == 0) {
                    rejectInvalidBatch(store, rnd);
                } else {
                    WriteBatch batch = store.newBatch();
                    int ops = 1 + rnd.nextInt(6);
                    for (int k = 0; k < ops; k++) addRandomOp(batch, rnd);
                    store.commit(batch);
                }
                if (rnd.nextInt(20) == 0) {
                    store.close();
                    store = Store.open(storeDir, options.withTailCacheBytesPerGroup(TAIL_CACHE_BYTES[rnd.nextInt(3)]));
                }
                checkAgainstModel(store, rnd);
            }
        } finally {
            store.close();
        }
    }

    private void addRandomOp(WriteBatch batch, SplittableRandom rnd) {
        long g = 1 + rnd.nextLong(GROUPS);
        ModelGroup m = model.get(g);
        int kind = rnd.nextInt(100);
        if (kind < 30) {
            long lo = Math.max(Math.max(m.truncIndex, m.applied), m.hs.commit()) + 1;
            long first = lo + rnd.nextLong(m.last() + 2 - lo);
            long term = m.term(first - 1) + rnd.nextInt(3);
            List<Entry> entries = new ArrayList<>();
            int count = 1 + rnd.nextInt(5);
            for (int i = 0; i < count; i++) {
                byte[] data = new byte[rnd.nextInt(300)];
                rnd.nextBytes(data);
                entries.add(new Entry(term, first + i, rnd.nextInt(10) == 0 ? EntryType.CONF_CHANGE : EntryType.NORMAL,
                        data));
            }
            batch.append(g, entries);
            m.log.tailMap(first, true).clear();
            for (Entry e : entries) m.log.put(e.index(), e);
        } else if (kind < 45) {
            long term = m.hs.term() + rnd.nextInt(2);
            long vote = term > m.hs.term() || m.hs.vote() == 0 ? rnd.nextInt(4) : m.hs.vote();
            long commit = m.hs.commit() + rnd.nextLong(m.last() - m.hs.commit() + 1);
            m.hs = new HardState(term, vote, commit);
            batch.setHardState(g, m.hs);
        } else if (kind < 60) {
            m.applied = m.applied + rnd.nextLong(m.hs.commit() - m.applied + 1);
            m.cs = randomConf(rnd);
            batch.setApplied(g, m.applied, m.cs);
        } else if (kind < 70) {
            long index = m.truncIndex + rnd.nextLong(m.applied - m.truncIndex + 1);
            m.snap = new SnapshotMetadata(index, m.term(index), randomConf(rnd));
            batch.setSnapshotMeta(g, m.snap);
        } else if (kind < 78) {
            long index = m.truncIndex + rnd.nextLong(m.snap.index() - m.truncIndex + 1);
            batch.compact(g, index);
            if (index == m.truncIndex) return; // a no-op writes nothing, so it creates no group
            m.truncTerm = m.term(index);
            m.truncIndex = index;
            m.log.headMap(index, true).clear();
        } else if (kind < 83) {
            long floor = Math.max(Math.max(m.applied, m.truncIndex), m.hs.commit());
            long index = floor + 1 + rnd.nextInt(4);
            long term;
            if (index <= m.last()) term = m.term(index) + (rnd.nextBoolean() ? 0 : 1);
            else term = m.term(m.last()) + rnd.nextInt(2);
            SnapshotMetadata meta = new SnapshotMetadata(index, term, randomConf(rnd));
            batch.applySnapshot(g, new Snapshot(meta, new byte[] {1}));
            boolean keep = index <= m.last() && m.term(index) == term;
            if (keep) m.log.headMap(index, true).clear();
            else m.log.clear();
            m.truncIndex = index;
            m.truncTerm = term;
            m.snap = meta;
            m.applied = index;
            m.cs = meta.confState();
            if (m.hs.commit() < index) m.hs = new HardState(m.hs.term(), m.hs.vote(), index);
        } else if (kind < 85) {
            batch.destroyGroup(g);
            model.put(g, new ModelGroup());
            return;
        } else if (kind < 95) {
            byte[] key = randomKey(rnd);
            byte[] value = new byte[rnd.nextInt(200)];
            rnd.nextBytes(value);
            batch.put(key, value);
            modelData.put(key, value);
        } else if (kind < 98) {
            byte[] key = randomKey(rnd);
            batch.delete(key);
            modelData.remove(key);
        } else {
            byte[] a = randomKey(rnd);
            byte[] b = randomKey(rnd);
            if (Arrays.compareUnsigned(a, b) > 0) {
                byte[] t = a;
                a = b;
                b = t;
            }
            batch.deleteRange(a, b);
            modelData.subMap(a, true, b, false).clear();
            return;
        }
        if (kind < 85) m.exists = true;
    }

    /** A batch with a valid put and one write that breaks a rule: nothing of it may land. */
    private void rejectInvalidBatch(Store store, SplittableRandom rnd) {
        long g = 1 + rnd.nextLong(GROUPS);
        ModelGroup m = model.get(g);
        WriteBatch batch = store.newBatch().put(new byte[] {(byte) 0xEE, 1}, new byte[] {1});
        switch (rnd.nextInt(4)) {
            case 0 -> batch.append(g, List.of(new Entry(m.term(m.last()), m.last() + 2, EntryType.NORMAL, null)));
            case 1 -> batch.setHardState(g, new HardState(m.hs.term() + 1, 0, m.last() + 1));
            case 2 -> batch.compact(g, m.snap.index() + 1);
            default -> batch.setHardState(g, new HardState(Math.max(0, m.hs.term() - 1), m.hs.vote() + 1,
                    m.hs.commit()));
        }
        if (m.hs.term() == 0 && batch.ops().get(1) instanceof WriteBatch.SetHardState s && s.hardState().term() == 0) {
            batch.setHardState(g, new HardState(0, 0, m.last() + 1)); // a vote in term 0 is allowed; force a failure
        }
        RuntimeException e = assertThrows(RuntimeException.class, () -> store.commit(batch));
        if (!(e instanceof IllegalStateException || e instanceof IllegalArgumentException)) {
            throw new AssertionError("unexpected rejection " + e, e);
        }
        if (store.get(new byte[] {(byte) 0xEE, 1}).isPresent()) fail("a rejected batch left a write behind");
    }

    private void checkAgainstModel(Store store, SplittableRandom rnd) {
        Set<Long> expectedIds = new TreeSet<>();
        for (var e : model.entrySet()) if (e.getValue().exists) expectedIds.add(e.getKey());
        assertEquals(expectedIds, store.groupIds());
        for (var e : model.entrySet()) {
            long g = e.getKey();
            ModelGroup m = e.getValue();
            GroupStorage gs = store.group(g);
            String at = "group " + g;
            assertEquals(m.truncIndex + 1, gs.firstIndex(), at);
            assertEquals(m.last(), gs.lastIndex(), at);
            assertEquals(m.hs, gs.hardState(), at);
            assertEquals(m.applied, gs.appliedIndex(), at);
            assertEquals(m.cs, gs.confState(), at);
            assertEquals(m.snap, gs.snapshotMeta(), at);
            for (long i = m.truncIndex; i <= m.last(); i++) assertEquals(m.term(i), gs.term(i), at + " term " + i);
            if (m.truncIndex > 0) assertThrows(CompactedException.class, () -> gs.term(m.truncIndex - 1));
            long lo = m.truncIndex + 1 + rnd.nextLong(m.last() - m.truncIndex + 1);
            long hi = lo + rnd.nextLong(m.last() + 2 - lo);
            long maxBytes = rnd.nextInt(3) == 0 ? Long.MAX_VALUE : rnd.nextInt(1000);
            assertEquals(limited(m, lo, hi, maxBytes), gs.entries(lo, hi, maxBytes),
                    at + " entries [" + lo + ", " + hi + ") max " + maxBytes);
        }
        List<KeyValue> all = store.scan(new byte[0], null, Integer.MAX_VALUE);
        assertEquals(modelData.size(), all.size());
        int i = 0;
        Set<Integer> seen = new HashSet<>();
        for (var kv : modelData.entrySet()) {
            assertArrayEquals(kv.getKey(), all.get(i).key());
            assertArrayEquals(kv.getValue(), all.get(i).value());
            seen.add(i++);
        }
    }

    private static List<Entry> limited(ModelGroup m, long lo, long hi, long maxBytes) {
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = lo; i < hi; i++) {
            Entry e = m.log.get(i);
            if (!out.isEmpty() && bytes + e.sizeBytes() > maxBytes) break;
            out.add(e);
            bytes += e.sizeBytes();
        }
        return out;
    }

    private static ConfState randomConf(SplittableRandom rnd) {
        Set<Long> voters = new TreeSet<>();
        Set<Long> learners = new TreeSet<>();
        for (long id = 1; id <= 5; id++) {
            int r = rnd.nextInt(3);
            if (r == 0) voters.add(id);
            else if (r == 1) learners.add(id);
        }
        return new ConfState(voters, learners);
    }

    private static byte[] randomKey(SplittableRandom rnd) {
        byte[] key = new byte[1 + rnd.nextInt(3)];
        for (int i = 0; i < key.length; i++) key[i] = (byte) (rnd.nextInt(4) * 64);
        return key;
    }
}

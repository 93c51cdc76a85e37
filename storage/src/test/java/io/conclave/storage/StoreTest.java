package io.conclave.storage;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;
import io.conclave.raft.RaftStorage.CompactedException;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreTest {
    @TempDir
    Path dir;
    private Store store;

    static final StoreOptions FAST = StoreOptions.defaults().withFsync(false).withMapSizeBytes(64L << 20);

    private Store open() {
        store = Store.open(dir, FAST);
        return store;
    }

    private Store reopen() {
        store.close();
        return open();
    }

    @AfterEach
    void closeStore() {
        if (store != null) store.close();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<Entry> entries(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) out.add(new Entry(term, i, EntryType.NORMAL, b("e" + i + "t" + term)));
        return out;
    }

    /** The bootstrap convention: members at applied index 0 and snapshot point 0. */
    static void bootstrap(WriteBatch batch, long groupId, ConfState cs) {
        batch.setApplied(groupId, 0, cs).setSnapshotMeta(groupId, new SnapshotMetadata(0, 0, cs));
    }

    @Test
    void freshStoreIsEmpty() {
        Store s = open();
        assertTrue(s.ident().isEmpty());
        assertTrue(s.groupIds().isEmpty());
        GroupStorage g = s.group(7);
        assertEquals(1, g.firstIndex());
        assertEquals(0, g.lastIndex());
        assertEquals(0, g.term(0));
        assertEquals(HardState.EMPTY, g.hardState());
        assertEquals(ConfState.EMPTY, g.confState());
        assertTrue(g.snapshot().isEmpty());
        assertTrue(s.get(b("x")).isEmpty());
        assertTrue(s.scan(new byte[0], null, 10).isEmpty());
    }

    @Test
    void bootstrapConvention() {
        Store s = open();
        ConfState cs = ConfState.ofVoters(1, 2, 3);
        WriteBatch batch = s.newBatch();
        bootstrap(batch, 5, cs);
        s.commit(batch);
        GroupStorage g = s.group(5);
        assertEquals(1, g.firstIndex());
        assertEquals(0, g.lastIndex());
        assertEquals(0, g.term(0));
        assertEquals(cs, g.confState());
        assertEquals(0, g.appliedIndex());
        assertEquals(Set.of(5L), s.groupIds());
        reopen();
        g = store.group(5);
        assertEquals(cs, g.confState());
        assertEquals(1, g.firstIndex());
        assertEquals(0, g.lastIndex());
        assertEquals(Set.of(5L), store.groupIds());
    }

    /** A batch carrying several Readies of one group writes each state key once, with its last value. */
    @Test
    void aGroupsStateSetSeveralTimesInOneBatchKeepsTheLastValues() {
        Store s = open();
        ConfState cs = ConfState.ofVoters(1, 2, 3);
        WriteBatch first = s.newBatch();
        bootstrap(first, 4, cs);
        s.commit(first);
        WriteBatch batch = s.newBatch();
        batch.append(4, entries(1, 3, 1)).setHardState(4, new HardState(1, 1, 2));
        batch.setApplied(4, 1, cs).setSnapshotMeta(4, new SnapshotMetadata(1, 1, cs));
        batch.append(4, entries(4, 5, 1)).setHardState(4, new HardState(1, 1, 3));
        batch.setApplied(4, 2, cs).setSnapshotMeta(4, new SnapshotMetadata(2, 1, cs));
        batch.setHardState(4, new HardState(1, 1, 3)); // unchanged: nothing to write
        s.commit(batch);
        for (Store st : List.of(s, reopen())) {
            GroupStorage g = st.group(4);
            assertEquals(new HardState(1, 1, 3), g.hardState());
            assertEquals(2, g.appliedIndex());
            assertEquals(new SnapshotMetadata(2, 1, cs), g.snapshotMeta());
            assertEquals(5, g.lastIndex());
        }
    }

    @Test
    void roundTripOfEveryKind() {
        Store s = open();
        ConfState cs = ConfState.ofVoters(1, 2, 3);
        WriteBatch batch = s.newBatch();
        bootstrap(batch, 1, cs);
        batch.append(1, entries(1, 10, 1));
        batch.append(1, List.of(new Entry(2, 11, EntryType.CONF_CHANGE, b("cc"))));
        batch.setHardState(1, new HardState(2, 3, 8));
        batch.setApplied(1, 6, ConfState.ofVoters(1, 2));
        batch.setSnapshotMeta(1, new SnapshotMetadata(5, 1, cs));
        batch.put(b("a"), b("1")).put(b("b"), b("2")).put(b("c"), b("3")).put(b("d"), b("4"));
        batch.delete(b("b"));
        s.commit(batch);
        s.writeIdent(new StoreIdent("cluster-x", 4));

        for (int round = 0; round < 2; round++) {
            GroupStorage g = store.group(1);
            assertEquals(new HardState(2, 3, 8), g.hardState());
            assertEquals(1, g.firstIndex());
            assertEquals(11, g.lastIndex());
            assertEquals(6, g.appliedIndex());
            assertEquals(ConfState.ofVoters(1, 2), g.confState());
            assertEquals(ConfState.ofVoters(1, 2), g.appliedConfState());
            assertEquals(new SnapshotMetadata(5, 1, cs), g.snapshotMeta());
            List<Entry> all = g.entries(1, 12, Long.MAX_VALUE);
            List<Entry> expected = new ArrayList<>(entries(1, 10, 1));
            expected.add(new Entry(2, 11, EntryType.CONF_CHANGE, b("cc")));
            assertEquals(expected, all);
            assertEquals(2, g.term(11));
            assertEquals(1, g.term(3));
            assertArrayEquals(b("1"), store.get(b("a")).orElseThrow());
            assertTrue(store.get(b("b")).isEmpty());
            assertEquals(List.of(new KeyValue(b("a"), b("1")), new KeyValue(b("c"), b("3"))),
                    store.scan(b("a"), b("d"), 10));
            assertEquals(new StoreIdent("cluster-x", 4), store.ident().orElseThrow());
            store.checkIdent(new StoreIdent("cluster-x", 4));
            reopen();
        }
    }

    @Test
    void entriesHonourByteLimitButReturnAtLeastOne() {
        Store s = open();
        WriteBatch batch = s.newBatch();
        batch.append(1, entries(1, 20, 1));
        s.commit(batch);
        for (int round = 0; round < 2; round++) {
            GroupStorage g = store.group(1);
            long one = g.entries(1, 2, Long.MAX_VALUE).get(0).sizeBytes();
            assertEquals(1, g.entries(1, 21, 0).size());
            assertEquals(3, g.entries(1, 21, 3 * one).size());
            assertEquals(3, g.entries(1, 21, 4 * one - 1).size());
            assertEquals(0, g.entries(5, 5, 100).size());
            assertThrows(IllegalArgumentException.class, () -> g.entries(5, 22, 100));
            assertThrows(IllegalArgumentException.class, () -> g.term(21));
            reopen(); // second round reads from LMDB with an empty tail cache
        }
    }

    @Test
    void appendTruncatesConflictingSuffix() {
        Store s = open();
        s.commit(s.newBatch().append(1, entries(1, 10, 1)));
        GroupStorage g = s.group(1);
        s.commit(s.newBatch().append(1, entries(6, 7, 2)));
        assertEquals(7, g.lastIndex());
        assertEquals(2, g.term(7));
        assertEquals(1, g.term(5));
        List<Entry> expected = new ArrayList<>(entries(1, 5, 1));
        expected.addAll(entries(6, 7, 2));
        assertEquals(expected, g.entries(1, 8, Long.MAX_VALUE));
        reopen();
        g = store.group(1);
        assertEquals(7, g.lastIndex());
        assertEquals(expected, g.entries(1, 8, Long.MAX_VALUE));
        // A longer replacement also works, and appends continue after it.
        store.commit(store.newBatch().append(1, entries(3, 12, 3)).append(1, entries(13, 13, 3)));
        assertEquals(13, g.lastIndex());
        assertEquals(3, g.term(3));
        assertEquals(1, g.term(2));
    }

    @Test
    void appendBeyondLastIndexIsRefusedWhole() {
        Store s = open();
        s.commit(s.newBatch().append(1, entries(1, 3, 1)));
        WriteBatch bad = s.newBatch().put(b("k"), b("v")).append(1, entries(5, 6, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.commit(bad));
        assertTrue(e.getMessage().contains("gap"), e.getMessage());
        assertTrue(s.get(b("k")).isEmpty(), "a rejected batch writes nothing");
        assertEquals(3, s.group(1).lastIndex());
    }

    @Test
    void compactThenTermEntriesAndCompactedException() {
        Store s = open();
        ConfState cs = ConfState.ofVoters(1);
        WriteBatch batch = s.newBatch();
        bootstrap(batch, 1, cs);
        batch.append(1, entries(1, 5, 1)).append(1, entries(6, 10, 2)).setHardState(1, new HardState(2, 1, 9))
                .setApplied(1, 8, cs);
        s.commit(batch);
        GroupStorage g = s.group(1);
        // Compacting past the snapshot point is refused: a follower could not catch up.
        WriteBatch tooFar = s.newBatch().compact(1, 7);
        assertThrows(IllegalStateException.class, () -> s.commit(tooFar));
        assertEquals(1, g.firstIndex());

        s.commit(s.newBatch().setSnapshotMeta(1, new SnapshotMetadata(7, 2, cs)).compact(1, 7));
        for (int round = 0; round < 2; round++) {
            GroupStorage gr = store.group(1);
            assertEquals(8, gr.firstIndex());
            assertEquals(10, gr.lastIndex());
            assertEquals(2, gr.term(7));
            assertEquals(2, gr.term(8));
            assertThrows(CompactedException.class, () -> gr.term(6));
            assertThrows(CompactedException.class, () -> gr.entries(7, 9, Long.MAX_VALUE));
            assertEquals(entries(8, 10, 2), gr.entries(8, 11, Long.MAX_VALUE));
            reopen();
        }
        // Compacting to the current point again is a no-op.
        store.commit(store.newBatch().compact(1, 5));
        assertEquals(8, store.group(1).firstIndex());
    }

    @Test
    void applySnapshotDropsWholeLogWhenNewer() {
        Store s = open();
        ConfState cs = ConfState.ofVoters(1, 2);
        WriteBatch batch = s.newBatch();
        bootstrap(batch, 1, cs);
        batch.append(1, entries(1, 3, 1));
        s.commit(batch);
        ConfState newCs = ConfState.ofVoters(1, 2, 3);
        Snapshot snap = new Snapshot(new SnapshotMetadata(20, 4, newCs), b("image"));
        s.commit(s.newBatch().applySnapshot(1, snap).setHardState(1, new HardState(4, 0, 20)).put(b("img"), b("1")));
        for (int round = 0; round < 2; round++) {
            GroupStorage g = store.group(1);
            assertEquals(21, g.firstIndex());
            assertEquals(20, g.lastIndex());
            assertEquals(4, g.term(20));
            assertEquals(20, g.appliedIndex());
            assertEquals(newCs, g.confState());
            assertEquals(snap.metadata(), g.snapshotMeta());
            assertThrows(CompactedException.class, () -> g.term(3));
            reopen();
        }
        store.commit(store.newBatch().append(1, entries(21, 22, 4)));
        assertEquals(22, store.group(1).lastIndex());
    }

    @Test
    void applySnapshotKeepsMatchingSuffix() {
        Store s = open();
        ConfState cs = ConfState.ofVoters(1, 2);
        WriteBatch batch = s.newBatch();
        bootstrap(batch, 1, cs);
        batch.append(1, entries(1, 10, 1));
        s.commit(batch);
        s.commit(s.newBatch().applySnapshot(1, new Snapshot(new SnapshotMetadata(6, 1, cs), null)));
        GroupStorage g = s.group(1);
        assertEquals(6, g.hardState().commit(), "a snapshot raises the commit index");
        assertEquals(7, g.firstIndex());
        assertEquals(10, g.lastIndex());
        assertEquals(entries(7, 10, 1), g.entries(7, 11, Long.MAX_VALUE));
        // A snapshot not newer than the applied index is refused.
        WriteBatch stale = s.newBatch().applySnapshot(1, new Snapshot(new SnapshotMetadata(5, 1, cs), null));
        assertThrows(IllegalStateException.class, () -> s.commit(stale));
    }

    @Test
    void snapshotUsesSource() {
        Store s = open();
        ConfState cs = ConfState.ofVoters(1);
        WriteBatch batch = s.newBatch();
        bootstrap(batch, 3, cs);
        batch.append(3, entries(1, 4, 1)).setHardState(3, new HardState(1, 1, 4)).setApplied(3, 4, cs)
                .setSnapshotMeta(3, new SnapshotMetadata(4, 1, cs));
        s.commit(batch);
        GroupStorage g = s.group(3);
        assertThrows(IllegalStateException.class, g::snapshot);
        s.setDefaultSnapshotSource((groupId, meta) -> b("default " + groupId + "@" + meta.index()));
        assertArrayEquals(b("default 3@4"), g.snapshot().data());
        g.setSnapshotSource((groupId, meta) -> b("own"));
        Snapshot snap = g.snapshot();
        assertArrayEquals(b("own"), snap.data());
        assertEquals(new SnapshotMetadata(4, 1, cs), snap.metadata());
    }

    @Test
    void manyGroupsInOneBatch() {
        Store s = open();
        WriteBatch batch = s.newBatch();
        for (long g = 1; g <= 50; g++) {
            batch.append(g, entries(1, g % 7 + 1, 1)).setHardState(g, new HardState(1, g % 3, 1));
        }
        s.commit(batch);
        assertEquals(1, s.stats().commits());
        for (int round = 0; round < 2; round++) {
            assertEquals(50, store.groupIds().size());
            for (long g = 1; g <= 50; g++) {
                GroupStorage gs = store.group(g);
                assertEquals(g % 7 + 1, gs.lastIndex());
                assertEquals(new HardState(1, g % 3, 1), gs.hardState());
                assertEquals(entries(1, g % 7 + 1, 1), gs.entries(1, gs.lastIndex() + 1, Long.MAX_VALUE));
            }
            reopen();
        }
    }

    @Test
    void destroyGroupRemovesOnlyThatGroup() {
        Store s = open();
        WriteBatch batch = s.newBatch();
        for (long g = 1; g <= 3; g++) {
            bootstrap(batch, g, ConfState.ofVoters(1));
            batch.append(g, entries(1, 5, 1)).setHardState(g, new HardState(1, 1, 2));
        }
        s.commit(batch);
        GroupStorage two = s.group(2);
        s.commit(s.newBatch().destroyGroup(2));
        assertEquals(Set.of(1L, 3L), s.groupIds());
        assertEquals(0, two.lastIndex());
        assertEquals(HardState.EMPTY, two.hardState());
        reopen();
        assertEquals(Set.of(1L, 3L), store.groupIds());
        assertEquals(0, store.group(2).lastIndex());
        assertEquals(5, store.group(1).lastIndex());
        assertEquals(5, store.group(3).lastIndex());
        assertEquals(entries(1, 5, 1), store.group(3).entries(1, 6, Long.MAX_VALUE));
    }

    @Test
    void hardStateRulesAreChecked() {
        Store s = open();
        s.commit(s.newBatch().append(1, entries(1, 3, 2)).setHardState(1, new HardState(2, 1, 1)));
        assertThrows(IllegalStateException.class, () -> s.commit(s.newBatch().setHardState(1, new HardState(1, 1, 1))));
        assertThrows(IllegalStateException.class, () -> s.commit(s.newBatch().setHardState(1, new HardState(2, 3, 1))));
        assertThrows(IllegalStateException.class, () -> s.commit(s.newBatch().setHardState(1, new HardState(2, 1, 0))));
        assertThrows(IllegalStateException.class, () -> s.commit(s.newBatch().setHardState(1, new HardState(2, 1, 4))));
        s.commit(s.newBatch().setHardState(1, new HardState(3, 2, 3)));
        assertEquals(new HardState(3, 2, 3), s.group(1).hardState());
        assertEquals(4, s.stats().failedCommits());
    }

    @Test
    void appliedBeyondCommitIsRefused() {
        Store s = open();
        s.commit(s.newBatch().append(1, entries(1, 5, 1)).setHardState(1, new HardState(1, 1, 2)));
        WriteBatch bad = s.newBatch().setApplied(1, 3, ConfState.ofVoters(1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.commit(bad));
        assertTrue(e.getMessage().contains("beyond the hard state's commit index 2"), e.getMessage());
        s.commit(s.newBatch().setHardState(1, new HardState(1, 1, 3)).setApplied(1, 3, ConfState.ofVoters(1)));
        assertEquals(3, s.group(1).appliedIndex());
    }

    @Test
    void committedEntriesCannotBeReplaced() {
        Store s = open();
        s.commit(s.newBatch().append(1, entries(1, 5, 1)).setHardState(1, new HardState(1, 1, 4)));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> s.commit(s.newBatch().append(1, entries(4, 4, 2))));
        assertTrue(e.getMessage().contains("would replace committed entry 4"), e.getMessage());
        s.commit(s.newBatch().append(1, entries(4, 6, 1))); // identical rewrite of committed entries is fine
        s.commit(s.newBatch().append(1, entries(5, 5, 2)));
        assertEquals(5, s.group(1).lastIndex());
        assertEquals(2, s.group(1).term(5));
    }

    @Test
    void appliedEntriesCannotBeReplaced() {
        Store s = open();
        ConfState cs = ConfState.ofVoters(1);
        WriteBatch batch = s.newBatch();
        bootstrap(batch, 1, cs);
        s.commit(batch.append(1, entries(1, 5, 1)).setHardState(1, new HardState(1, 1, 3)).setApplied(1, 3, cs));
        assertThrows(IllegalStateException.class, () -> s.commit(s.newBatch().append(1, entries(3, 4, 2))));
        s.commit(s.newBatch().append(1, entries(4, 6, 2)));
        assertEquals(6, s.group(1).lastIndex());
    }

    @Test
    void identMismatchNamesBoth() {
        Store s = open();
        StoreException none = assertThrows(StoreException.class, () -> s.checkIdent(new StoreIdent("c1", 1)));
        assertTrue(none.getMessage().contains("no identity"), none.getMessage());
        s.writeIdent(new StoreIdent("c1", 1));
        s.writeIdent(new StoreIdent("c1", 1));
        assertThrows(StoreMismatchException.class, () -> s.writeIdent(new StoreIdent("c2", 1)));
        reopen();
        StoreMismatchException e = assertThrows(StoreMismatchException.class,
                () -> store.checkIdent(new StoreIdent("other", 9)));
        assertTrue(e.getMessage().contains("belongs to cluster c1, node 1"), e.getMessage());
        assertTrue(e.getMessage().contains("this node is cluster other, node 9"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void oversizedKeysAndValuesAreRefusedBeforeLmdb() {
        Store s = Store.open(dir, new StoreOptions(1L << 20, false, 16, 100));
        store = s;
        WriteBatch batch = s.newBatch();
        StoreLimitException k = assertThrows(StoreLimitException.class, () -> batch.put(new byte[17], b("v")));
        assertTrue(k.getMessage().contains("limit of 16 bytes (maxKeyBytes)"), k.getMessage());
        StoreLimitException v = assertThrows(StoreLimitException.class, () -> batch.put(b("k"), new byte[101]));
        assertTrue(v.getMessage().contains("limit of 100 bytes (maxValueBytes)"), v.getMessage());
        assertThrows(StoreLimitException.class,
                () -> batch.append(1, List.of(new Entry(1, 1, EntryType.NORMAL, new byte[100]))));
        assertThrows(IllegalArgumentException.class, () -> batch.put(new byte[0], b("v")));
        assertTrue(batch.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new StoreOptions(1L << 20, true, 512, 100));
    }

    @Test
    void secondOpenOfSameDirectoryIsRefused() {
        open();
        StoreException e = assertThrows(StoreException.class, () -> Store.open(dir, FAST));
        assertTrue(e.getMessage().contains("already open"), e.getMessage());
    }

    @Test
    void closedStoreRefusesCalls() {
        Store s = open();
        s.close();
        s.close();
        assertThrows(StoreException.class, () -> s.get(b("a")));
        assertThrows(StoreException.class, () -> s.commit(s.newBatch().put(b("a"), b("b"))));
    }

    @Test
    void committedBatchCannotBeReused() {
        Store s = open();
        WriteBatch batch = s.newBatch().put(b("a"), b("1"));
        s.commit(batch);
        assertThrows(IllegalStateException.class, () -> batch.put(b("b"), b("2")));
    }

    @Test
    void scanAndDeleteRange() {
        Store s = open();
        WriteBatch batch = s.newBatch();
        for (int i = 0; i < 2000; i++) batch.put(b(String.format("k%05d", i)), new byte[50]);
        s.commit(batch);
        assertEquals(10, s.scan(new byte[0], null, 10).size());
        assertEquals(2000, s.scan(b("k"), b("l"), 5000).size());
        s.commit(s.newBatch().deleteRange(b("k00100"), b("k01900")));
        List<KeyValue> rest = s.scan(new byte[0], null, 5000);
        assertEquals(200, rest.size());
        assertArrayEquals(b("k00099"), rest.get(99).key());
        assertArrayEquals(b("k01900"), rest.get(100).key());
        // Unsigned order: 0xFF sorts after ASCII.
        s.commit(s.newBatch().put(new byte[] {(byte) 0xFF}, b("hi")).put(new byte[] {0x01}, b("lo")));
        List<KeyValue> all = s.scan(new byte[0], null, 5000);
        assertArrayEquals(new byte[] {0x01}, all.get(0).key());
        assertArrayEquals(new byte[] {(byte) 0xFF}, all.get(all.size() - 1).key());
        StoreStats stats = s.stats();
        assertEquals(202, stats.dataKeys());
        assertTrue(stats.usedBytes() > 0 && stats.usedBytes() <= stats.mapSizeBytes());
    }

    @Test
    void raftReadsOfRecentEntriesStayOffLmdb() {
        Store s = open();
        GroupStorage g = s.group(1);
        long index = 0;
        for (int cycle = 0; cycle < 50; cycle++) {
            List<Entry> appended = entries(index + 1, index + 3, 1);
            s.commit(s.newBatch().append(1, appended).setHardState(1, new HardState(1, 1, index + 3)));
            // What a leader does next: read the new entries to send, check terms, apply them.
            assertEquals(appended, g.entries(index + 1, index + 4, Long.MAX_VALUE));
            assertEquals(1, g.term(index + 3));
            assertEquals(index == 0 ? 0 : 1, g.term(index)); // 0 is the truncation point, also in memory
            index += 3;
        }
        assertEquals(0, s.stats().logReadsFromLmdb());
        reopen();
        GroupStorage after = store.group(1);
        assertEquals(entries(1, index, 1), after.entries(1, index + 1, Long.MAX_VALUE));
        assertTrue(store.stats().logReadsFromLmdb() > 0, "after a restart the log is read from LMDB");
    }

    @Test
    void tailCacheIsBoundedByBytes() {
        store = Store.open(dir, FAST.withTailCacheBytesPerGroup(1000));
        List<Entry> big = new ArrayList<>();
        for (long i = 1; i <= 100; i++) big.add(new Entry(1, i, EntryType.NORMAL, new byte[76]));
        store.commit(store.newBatch().append(1, big));
        GroupStorage g = store.group(1);
        long[] usage = g.tailCacheUsage();
        assertEquals(10, usage[0]);
        assertEquals(1000, usage[1]);
        assertEquals(big, g.entries(1, 101, Long.MAX_VALUE));
        assertFalse(g.entries(95, 101, Long.MAX_VALUE).isEmpty());
    }
}

package io.conclave.storage;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a store reopens when its two files disagree, as a crash between a batch's LMDB part and
 * its Raft log part leaves them: recovery reads LMDB's truncation point and applied state, the
 * log's entries that chain onto it, and the newer hard state.
 */
class StoreRecoveryTest {
    @TempDir
    Path dir;

    private static final StoreOptions OPTIONS = StoreOptions.defaults().withMapSizeBytes(16L << 20)
            .withRaftLogSegmentBytes(64 << 10);
    private static final ConfState VOTERS = new ConfState(Set.of(1L, 2L, 3L), Set.of());

    private static List<Entry> entries(long from, long to, long term) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) out.add(new Entry(term, i, EntryType.NORMAL, new byte[] {(byte) i}));
        return out;
    }

    private Path store() {
        return dir.resolve("s");
    }

    /** Copies the Raft log directory aside (or back), as the disk held it at that moment. */
    private static void copyTree(Path from, Path to) throws IOException {
        if (Files.exists(to)) {
            try (Stream<Path> files = Files.list(to)) {
                for (Path p : files.toList()) Files.delete(p);
            }
        }
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path p : files.toList()) Files.copy(p, to.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void aSnapshotInLmdbWhoseLogRecordWasLostDropsTheEntriesItReplacedForGood() throws IOException {
        try (Store s = Store.open(store(), OPTIONS)) {
            s.commit(s.newBatch().append(1, entries(1, 5, 1)).setHardState(1, new HardState(1, 1, 2))
                    .setApplied(1, 0, VOTERS));
        }
        Path logBefore = dir.resolve("log-before");
        copyTree(store().resolve(RaftLog.DIR_NAME), logBefore);
        try (Store s = Store.open(store(), OPTIONS)) {
            // A leader's snapshot at (4, term 2): the local entry 4 has term 1, so the log is replaced.
            s.commit(s.newBatch().setHardState(1, new HardState(2, 0, 4))
                    .applySnapshot(1, new Snapshot(new SnapshotMetadata(4, 2, VOTERS), new byte[0])));
        }
        // The crash: LMDB committed the snapshot, the log's part of the batch never reached the disk.
        copyTree(logBefore, store().resolve(RaftLog.DIR_NAME));
        try (Store s = Store.open(store(), OPTIONS)) {
            GroupStorage g = s.group(1);
            assertEquals(5, g.firstIndex());
            assertEquals(4, g.lastIndex(), "entry 5 of term 1 came after the entry the snapshot replaced");
            assertEquals(2, g.term(4));
            assertEquals(new HardState(2, 0, 4), g.hardState(), "LMDB's copy is the newer hard state");
            s.commit(s.newBatch().append(1, entries(5, 6, 2)));
        }
        try (Store s = Store.open(store(), OPTIONS)) {
            GroupStorage g = s.group(1);
            assertEquals(6, g.lastIndex(), "the entries appended after the recovery were dropped again");
            assertEquals(entries(5, 6, 2), g.entries(5, 7, Long.MAX_VALUE));
        }
    }

    @Test
    void theLogsNewerHardStateWinsAndEntriesAboveTheAppliedIndexAreKept() {
        Store.LogCommit logged;
        try (Store s = Store.open(store(), OPTIONS)) {
            s.commit(s.newBatch().append(1, entries(1, 3, 1)).setHardState(1, new HardState(1, 1, 3))
                    .setApplied(1, 2, VOTERS));
            // Logged, but the store closes (crashes) before its LMDB part commits.
            logged = s.commitLog(s.newBatch().append(1, entries(4, 6, 2)).setHardState(1, new HardState(2, 2, 5))
                    .setApplied(1, 3, VOTERS).put(new byte[] {'k'}, new byte[] {'v'}));
            assertFalse(logged.isStateDurable());
            assertEquals(6, s.group(1).lastIndex(), "the log part is visible once durable");
            assertEquals(2, s.group(1).appliedIndex(), "the LMDB part is not");
        }
        try (Store s = Store.open(store(), OPTIONS)) {
            GroupStorage g = s.group(1);
            assertEquals(6, g.lastIndex());
            assertEquals(new HardState(2, 2, 5), g.hardState());
            assertEquals(2, g.appliedIndex(), "LMDB's applied index: entry 3 is applied again");
            assertTrue(s.get(new byte[] {'k'}).isEmpty());
            assertEquals(entries(4, 6, 2), g.entries(4, 7, Long.MAX_VALUE));
        }
    }

    @Test
    void lmdbAppliedBeyondTheEndOfTheLogRefusesToOpen() throws IOException {
        try (Store s = Store.open(store(), OPTIONS)) {
            s.commit(s.newBatch().append(1, entries(1, 3, 1)).setHardState(1, new HardState(1, 1, 3))
                    .setApplied(1, 3, VOTERS));
        }
        // The log lost entries LMDB has applied: not a state any crash leaves.
        try (Stream<Path> files = Files.list(store().resolve(RaftLog.DIR_NAME))) {
            for (Path p : files.toList()) Files.delete(p);
        }
        StoreCorruptException e = assertThrows(StoreCorruptException.class, () -> Store.open(store(), OPTIONS));
        assertTrue(e.getMessage().contains("group 1") && e.getMessage().contains("applied up to 3"), e.getMessage());
    }

    @Test
    void aDestroyedGroupsOlderRecordsDoNotComeBackWhenItIsCreatedAgain() {
        try (Store s = Store.open(store(), OPTIONS)) {
            s.commit(s.newBatch().append(7, entries(1, 4, 1)).setHardState(7, new HardState(1, 1, 4))
                    .setApplied(7, 4, VOTERS).setSnapshotMeta(7, new SnapshotMetadata(4, 1, VOTERS)).compact(7, 4));
            s.commit(s.newBatch().destroyGroup(7));
            s.commit(s.newBatch().setHardState(7, new HardState(3, 0, 0)).setApplied(7, 0, VOTERS));
        }
        try (Store s = Store.open(store(), OPTIONS)) {
            GroupStorage g = s.group(7);
            assertEquals(0, g.lastIndex());
            assertEquals(0, g.appliedIndex());
            assertEquals(new HardState(3, 0, 0), g.hardState());
        }
    }
}

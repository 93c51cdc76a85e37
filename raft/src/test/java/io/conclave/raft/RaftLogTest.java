package io.conclave.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RaftLogTest {

    private static List<Entry> ents(long firstIndex, long... terms) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) out.add(new Entry(terms[i], firstIndex + i, EntryType.NORMAL, new byte[0]));
        return out;
    }

    private static RaftLog logWith(long... terms) {
        MemoryRaftStorage st = new MemoryRaftStorage();
        st.append(ents(1, terms));
        return new RaftLog(st, 1 << 20);
    }

    @Test
    void maybeAppendTruncatesOnlyTheConflictingSuffix() {
        RaftLog log = logWith(1, 2, 3);
        assertEquals(-1, log.maybeAppend(3, 2, 0, ents(4, 4)), "mismatch at (3, 2)");
        assertEquals(4, log.maybeAppend(2, 2, 0, ents(3, 4, 4)));
        assertEquals(4, log.term(3));
        assertEquals(4, log.lastIndex());
        assertEquals(List.of(new Entry(4, 3, EntryType.NORMAL, new byte[0]), new Entry(4, 4, EntryType.NORMAL,
                new byte[0])), log.unstable.nextEntries());
        // Already-present entries are not re-appended.
        assertEquals(3, log.maybeAppend(1, 1, 3, ents(2, 2, 4)));
        assertEquals(4, log.lastIndex());
        assertEquals(3, log.committed, "commit limited to the last entry this message vouches for");
    }

    @Test
    void overwritingCommittedEntryIsAnInvariantViolation() {
        RaftLog log = logWith(1, 2, 3);
        log.commitTo(3);
        assertThrows(IllegalStateException.class, () -> log.maybeAppend(1, 1, 3, ents(2, 5)));
    }

    @Test
    void findConflictByTermSkipsWholeTerms() {
        RaftLog log = logWith(1, 1, 2, 2, 2, 5, 5);
        assertEquals(5, log.findConflictByTerm(7, 3)[0], "last entry with term <= 3");
        assertEquals(2, log.findConflictByTerm(7, 1)[0]);
        assertEquals(0, log.findConflictByTerm(7, 0)[0]);
    }

    @Test
    void stableToIgnoresEntriesReplacedAfterHandOut() {
        RaftLog log = logWith(1);
        log.append(ents(2, 1, 1, 1));
        List<Entry> handedOut = log.unstable.nextEntries();
        log.unstable.acceptInProgress();
        assertFalse(log.unstable.hasNextEntries());
        // A new leader replaces index 3 onwards before the caller persisted the first batch.
        log.append(ents(3, 2));
        assertTrue(log.unstable.hasNextEntries());
        assertEquals(ents(3, 2), log.unstable.nextEntries());
        Entry last = handedOut.get(handedOut.size() - 1);
        log.stableTo(last.index(), last.term()); // stale: (4, 1) is gone
        assertEquals(2, log.unstable.offset, "nothing marked stable by the stale acknowledgement");
        log.stableTo(3, 2);
        assertEquals(4, log.unstable.offset);
    }

    @Test
    void committedEntriesStopAtWhatIsPersisted() {
        RaftLog log = logWith(1, 1);
        log.append(ents(3, 1, 1));
        log.commitTo(4);
        assertEquals(2, log.nextCommittedEntries().size(), "3 and 4 are not persisted");
        log.acceptApplying(2);
        assertFalse(log.hasNextCommittedEntries());
        ((MemoryRaftStorage) log.storage).append(ents(3, 1, 1));
        log.stableTo(4, 1);
        assertEquals(2, log.nextCommittedEntries().size());
    }

    @Test
    void termAfterCompactionAndRestore() {
        MemoryRaftStorage st = new MemoryRaftStorage();
        st.append(ents(1, 1, 1, 2, 2));
        st.createSnapshot(3, ConfState.ofVoters(1), new byte[0]);
        st.compact(3);
        RaftLog log = new RaftLog(st, 1 << 20);
        assertEquals(4, log.firstIndex());
        assertEquals(2, log.term(3));
        assertThrows(RaftStorage.CompactedException.class, () -> log.term(2));
        assertEquals(0, log.term(99), "beyond the log");
        log.restore(new Snapshot(new SnapshotMetadata(10, 3, ConfState.ofVoters(1)), new byte[0]));
        assertEquals(11, log.firstIndex());
        assertEquals(10, log.lastIndex());
        assertEquals(3, log.term(10));
        assertEquals(10, log.committed);
        assertFalse(log.hasNextCommittedEntries(), "the snapshot is applied first");
    }

    @Test
    void sliceRespectsByteLimitAcrossStorageAndUnstable() {
        MemoryRaftStorage st = new MemoryRaftStorage();
        List<Entry> stored = new ArrayList<>();
        for (int i = 1; i <= 3; i++) stored.add(new Entry(1, i, EntryType.NORMAL, new byte[100]));
        st.append(stored);
        RaftLog log = new RaftLog(st, 1 << 20);
        log.append(List.of(new Entry(1, 4, EntryType.NORMAL, new byte[100]), new Entry(1, 5, EntryType.NORMAL,
                new byte[100])));
        long each = stored.get(0).sizeBytes();
        assertEquals(5, log.entries(1, Long.MAX_VALUE).size());
        assertEquals(4, log.entries(1, 4 * each).size());
        assertEquals(1, log.entries(2, 1).size(), "at least one entry");
        assertEquals(2, log.entries(3, 2 * each).size());
    }
}

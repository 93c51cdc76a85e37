package io.conclave.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryRaftStorageTest {

    private static Entry e(long term, long index) {
        return new Entry(term, index, EntryType.NORMAL, new byte[] {(byte) index});
    }

    @Test
    void bootstrapConvention() {
        MemoryRaftStorage st = new MemoryRaftStorage(ConfState.ofVoters(1, 2, 3));
        assertEquals(1, st.firstIndex());
        assertEquals(0, st.lastIndex());
        assertEquals(0, st.term(0));
        assertEquals(HardState.EMPTY, st.hardState());
        assertEquals(ConfState.ofVoters(1, 2, 3), st.confState());
    }

    @Test
    void appendTruncatesConflictingSuffix() {
        MemoryRaftStorage st = new MemoryRaftStorage();
        st.append(List.of(e(1, 1), e(1, 2), e(1, 3)));
        st.append(List.of(e(2, 2)));
        assertEquals(2, st.lastIndex());
        assertEquals(2, st.term(2));
        assertThrows(IllegalArgumentException.class, () -> st.append(List.of(e(2, 5))));
    }

    @Test
    void entriesRespectSizeButReturnAtLeastOne() {
        MemoryRaftStorage st = new MemoryRaftStorage();
        st.append(List.of(e(1, 1), e(1, 2), e(1, 3)));
        assertEquals(1, st.entries(1, 4, 1).size());
        assertEquals(2, st.entries(1, 4, 2 * e(1, 1).sizeBytes()).size());
        assertEquals(3, st.entries(1, 4, Long.MAX_VALUE).size());
    }

    @Test
    void compactRequiresSnapshotAndKeepsTermOfCompactedIndex() {
        MemoryRaftStorage st = new MemoryRaftStorage();
        st.append(List.of(e(1, 1), e(2, 2), e(3, 3)));
        assertThrows(IllegalArgumentException.class, () -> st.compact(2));
        st.createSnapshot(2, ConfState.ofVoters(1), new byte[] {9});
        st.compact(2);
        assertEquals(3, st.firstIndex());
        assertEquals(2, st.term(2));
        assertThrows(RaftStorage.CompactedException.class, () -> st.term(1));
        assertThrows(RaftStorage.CompactedException.class, () -> st.entries(2, 3, 100));
        assertEquals(List.of(e(3, 3)), st.entries(3, 4, 100));
        // Appending entries that overlap the compacted prefix keeps the uncompacted part.
        st.append(List.of(e(3, 2), e(3, 3), e(3, 4)));
        assertEquals(4, st.lastIndex());
        assertEquals(2, st.term(2));
    }

    @Test
    void applySnapshotReplacesLogAndConfState() {
        MemoryRaftStorage st = new MemoryRaftStorage(ConfState.ofVoters(1));
        st.append(List.of(e(1, 1)));
        Snapshot snap = new Snapshot(new SnapshotMetadata(10, 4, ConfState.ofVoters(1, 2)), new byte[] {1});
        st.applySnapshot(snap);
        assertEquals(11, st.firstIndex());
        assertEquals(10, st.lastIndex());
        assertEquals(4, st.term(10));
        assertEquals(ConfState.ofVoters(1, 2), st.confState());
        assertEquals(snap, st.snapshot());
        assertThrows(IllegalArgumentException.class, () -> st.applySnapshot(snap));
    }

    @Test
    void copyIsIndependent() {
        MemoryRaftStorage st = new MemoryRaftStorage();
        st.append(List.of(e(1, 1)));
        st.setHardState(new HardState(1, 1, 1));
        MemoryRaftStorage copy = st.copy();
        st.append(List.of(e(1, 2)));
        st.setHardState(new HardState(2, 0, 2));
        assertEquals(1, copy.lastIndex());
        assertEquals(new HardState(1, 1, 1), copy.hardState());
    }
}

package io.conclave.storage;

import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RaftLogTest {
    @TempDir
    Path dir;

    private static final RaftLog.Settings SMALL = new RaftLog.Settings(8192, true, 1 << 20);

    private static List<Entry> entries(long from, long to, long term, int dataBytes) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            byte[] data = new byte[dataBytes];
            for (int k = 0; k < dataBytes; k++) data[k] = (byte) (i * 31 + k);
            out.add(new Entry(term, i, EntryType.NORMAL, data));
        }
        return out;
    }

    private static List<Entry> read(RaftLog log, long group, long lo, long hi) {
        List<Entry> out = new ArrayList<>();
        log.read(group, lo, hi, Long.MAX_VALUE, out, new long[] {0});
        return out;
    }

    private Path lastSegment(RaftLog log) {
        List<Long> seqs = log.segmentSeqs();
        return dir.resolve(RaftLog.DIR_NAME).resolve(RaftLog.segmentName(seqs.get(seqs.size() - 1)));
    }

    @Test
    void appendedEntriesReadBackAcrossSegmentsAndAfterReopen() {
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            for (long i = 1; i <= 40; i += 4) {
                log.append(List.of(new RaftLog.Entries(1, entries(i, i + 3, 1, 300)),
                        new RaftLog.Entries(2, entries(i, i + 3, 2, 100))));
            }
            assertTrue(log.segmentSeqs().size() > 2, "segments " + log.segmentSeqs());
            assertEquals(entries(1, 40, 1, 300), read(log, 1, 1, 41));
            assertEquals(entries(5, 40, 2, 100), read(log, 2, 5, 41));
        }
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            assertEquals(entries(1, 40, 1, 300), read(log, 1, 1, 41));
            assertEquals(entries(1, 40, 2, 100), read(log, 2, 1, 41));
            assertEquals(0, log.tornTailsCut());
        }
    }

    @Test
    void anAppendReplacesTheSuffixFromItsFirstIndex() {
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            log.append(List.of(new RaftLog.Entries(1, entries(1, 10, 1, 8))));
            log.append(List.of(new RaftLog.Entries(1, entries(6, 7, 2, 8))));
            assertEquals(7, log.view(1).lastIndex());
            assertEquals(2, log.term(1, 7));
        }
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            List<Entry> expected = new ArrayList<>(entries(1, 5, 1, 8));
            expected.addAll(entries(6, 7, 2, 8));
            assertEquals(expected, read(log, 1, 1, 8));
            assertEquals(-1, log.term(1, 8));
        }
    }

    @Test
    void aGapIsRefusedBeforeAnythingIsWritten() {
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            log.append(List.of(new RaftLog.Entries(1, entries(1, 3, 1, 8))));
            assertThrows(IllegalArgumentException.class,
                    () -> log.append(List.of(new RaftLog.Entries(1, entries(5, 6, 1, 8)))));
            log.append(List.of(new RaftLog.Entries(1, entries(4, 4, 1, 8))));
            assertEquals(4, log.view(1).lastIndex());
        }
    }

    @Test
    void theNewestHardStateWins() {
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            log.append(List.of(new RaftLog.SetHardState(3, new HardState(1, 2, 0))));
            log.append(List.of(new RaftLog.SetHardState(3, new HardState(2, 0, 0)),
                    new RaftLog.SetHardState(4, new HardState(7, 7, 0))));
            log.append(List.of(new RaftLog.SetHardState(3, new HardState(2, 1, 0))));
        }
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            assertEquals(new HardState(2, 1, 0), log.view(3).hardState());
            assertEquals(new HardState(7, 7, 0), log.view(4).hardState());
        }
    }

    @Test
    void aTruncatedTailRecordIsCutOffAndEverythingBeforeItKept() throws IOException {
        long cut;
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            log.append(List.of(new RaftLog.Entries(1, entries(1, 3, 1, 100))));
            log.append(List.of(new RaftLog.Entries(1, entries(4, 6, 1, 100))));
            cut = 2 * (RaftLog.RECORD_HEADER_BYTES + 12) + 3 * (RaftLog.ENTRY_HEADER_BYTES + 100) + 40;
        }
        // A crash in the middle of the second record: only its first bytes reached the disk.
        Path seg = dir.resolve(RaftLog.DIR_NAME).resolve(RaftLog.segmentName(1));
        zero(seg, cut, 8192 - cut);
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            assertEquals(1, log.tornTailsCut());
            assertEquals(3, log.view(1).lastIndex());
            assertEquals(entries(1, 3, 1, 100), read(log, 1, 1, 4));
            // Appends continue where the valid records end, and survive the next open.
            log.append(List.of(new RaftLog.Entries(1, entries(4, 5, 2, 10))));
        }
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            assertEquals(0, log.tornTailsCut());
            assertEquals(5, log.view(1).lastIndex());
            assertEquals(2, log.term(1, 5));
        }
    }

    @Test
    void aFlippedByteInTheLastRecordIsCutOffAsATornWrite() throws IOException {
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            log.append(List.of(new RaftLog.Entries(1, entries(1, 3, 1, 100))));
            log.append(List.of(new RaftLog.SetHardState(1, new HardState(1, 1, 3))));
        }
        Path seg = dir.resolve(RaftLog.DIR_NAME).resolve(RaftLog.segmentName(1));
        long lastRecord = RaftLog.RECORD_HEADER_BYTES + 12 + 3 * (RaftLog.ENTRY_HEADER_BYTES + 100);
        flip(seg, lastRecord + RaftLog.RECORD_HEADER_BYTES + 3);
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            assertEquals(1, log.tornTailsCut());
            assertEquals(HardState.EMPTY, log.view(1).hardState());
            assertEquals(entries(1, 3, 1, 100), read(log, 1, 1, 4));
        }
    }

    @Test
    void aDamagedRecordFollowedByValidOnesRefusesToOpen() throws IOException {
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            log.append(List.of(new RaftLog.Entries(1, entries(1, 1, 1, 100))));
            log.append(List.of(new RaftLog.Entries(1, entries(2, 2, 1, 100))));
            log.append(List.of(new RaftLog.Entries(1, entries(3, 3, 1, 100))));
        }
        Path seg = dir.resolve(RaftLog.DIR_NAME).resolve(RaftLog.segmentName(1));
        long second = RaftLog.RECORD_HEADER_BYTES + 12 + RaftLog.ENTRY_HEADER_BYTES + 100;
        flip(seg, second + RaftLog.RECORD_HEADER_BYTES + 20);
        StoreCorruptException e = assertThrows(StoreCorruptException.class, () -> RaftLog.open(dir, SMALL));
        assertTrue(e.getMessage().contains("offset " + second) && e.getMessage().contains("a valid record follows"),
                e.getMessage());
    }

    @Test
    void aDamagedRecordInAnEarlierSegmentRefusesToOpen() throws IOException {
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            for (long i = 1; i <= 40; i++) log.append(List.of(new RaftLog.Entries(1, entries(i, i, 1, 500))));
            assertTrue(log.segmentSeqs().size() >= 2);
        }
        Path seg = dir.resolve(RaftLog.DIR_NAME).resolve(RaftLog.segmentName(1));
        flip(seg, RaftLog.RECORD_HEADER_BYTES + 30);
        StoreCorruptException e = assertThrows(StoreCorruptException.class, () -> RaftLog.open(dir, SMALL));
        assertTrue(e.getMessage().contains(RaftLog.segmentName(1)) && e.getMessage().contains("later segments"),
                e.getMessage());
    }

    @Test
    void aMissingMiddleSegmentRefusesToOpen() throws IOException {
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            for (long i = 1; i <= 60; i++) log.append(List.of(new RaftLog.Entries(1, entries(i, i, 1, 500))));
            assertTrue(log.segmentSeqs().size() >= 3);
        }
        Files.delete(dir.resolve(RaftLog.DIR_NAME).resolve(RaftLog.segmentName(2)));
        StoreCorruptException e = assertThrows(StoreCorruptException.class, () -> RaftLog.open(dir, SMALL));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void reclamationKeepsASegmentAnIdleGroupStillNeedsByRewritingItsRecordsForward() {
        Map<Long, Long> floors = new java.util.HashMap<>();
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            // Group 9 writes once and goes idle with entries above its floor: it pins segment 1.
            log.append(List.of(new RaftLog.Entries(9, entries(1, 2, 1, 50)),
                    new RaftLog.SetHardState(9, new HardState(1, 1, 2))));
            for (long i = 1; i <= 40; i++) log.append(List.of(new RaftLog.Entries(1, entries(i, i, 1, 500))));
            int before = log.segmentSeqs().size();
            assertTrue(before >= 3);
            floors.put(1L, 40L);
            floors.put(9L, 0L);
            RaftLog.Reclaimed r = log.reclaim(g -> floors.getOrDefault(g, 0L));
            assertTrue(r.segmentsDeleted() >= before - 1, r.toString());
            assertEquals(1, r.groupsRewritten(), r.toString());
            assertEquals(entries(1, 2, 1, 50), read(log, 9, 1, 3));
            assertFalse(log.segmentSeqs().contains(1L));
        }
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            assertEquals(entries(1, 2, 1, 50), read(log, 9, 1, 3));
            assertEquals(new HardState(1, 1, 2), log.view(9).hardState());
            // Group 1's entries at or below its floor were not kept, and are not needed.
            assertTrue(log.view(1) == null || log.view(1).firstIndex() > 1);
        }
    }

    @Test
    void reclamationWithoutARewriteBudgetLeavesAPinnedSegmentAndNamesTheGroup() {
        RaftLog.Settings tight = new RaftLog.Settings(8192, true, 0);
        try (RaftLog log = RaftLog.open(dir, tight)) {
            log.append(List.of(new RaftLog.Entries(9, entries(1, 2, 1, 50))));
            for (long i = 1; i <= 40; i++) log.append(List.of(new RaftLog.Entries(1, entries(i, i, 1, 500))));
            RaftLog.Reclaimed r = log.reclaim(g -> g == 1 ? 40 : 0);
            assertEquals(0, r.segmentsDeleted());
            assertEquals(9, r.pinnedBy());
            assertTrue(log.segmentSeqs().contains(1L));
            // Once group 9 is compacted past them, its entries no longer pin anything.
            RaftLog.Reclaimed r2 = log.reclaim(g -> g == 1 ? 40 : 2);
            assertTrue(r2.segmentsDeleted() > 0, r2.toString());
            assertEquals(0, r2.bytesRewritten());
        }
    }

    @Test
    void aSnapshotRecordDropsTheOldLogUnlessItsEntryMatches() {
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            log.append(List.of(new RaftLog.Entries(1, entries(1, 5, 1, 8)), new RaftLog.Entries(2, entries(1, 5, 1, 8))));
            log.append(List.of(new RaftLog.Snapshot(1, 3, 1), new RaftLog.Snapshot(2, 9, 4),
                    new RaftLog.Entries(2, entries(10, 11, 4, 8))));
        }
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            RaftLog.GroupView g1 = log.view(1);
            assertEquals(4, g1.firstIndex());
            assertEquals(5, g1.lastIndex());
            RaftLog.GroupView g2 = log.view(2);
            assertEquals(10, g2.firstIndex());
            assertEquals(11, g2.lastIndex());
            assertEquals(9, g2.baseIndex());
            assertEquals(4, g2.baseTerm());
        }
    }

    @Test
    void aDestroyedGroupDoesNotComeBack() {
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            log.append(List.of(new RaftLog.Entries(5, entries(1, 5, 1, 8)),
                    new RaftLog.SetHardState(5, new HardState(1, 0, 0))));
            log.append(List.of(new RaftLog.Destroyed(5)));
            assertNull(log.view(5));
        }
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            assertNull(log.view(5));
        }
    }

    @Test
    void aBatchLargerThanASegmentGetsASegmentOfItsOwn() {
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            log.append(List.of(new RaftLog.Entries(1, entries(1, 1, 1, 20_000))));
            log.append(List.of(new RaftLog.Entries(1, entries(2, 2, 1, 10))));
            assertEquals(entries(1, 1, 1, 20_000), read(log, 1, 1, 2));
        }
        try (RaftLog log = RaftLog.open(dir, SMALL)) {
            assertEquals(2, log.view(1).lastIndex());
        }
    }

    @Test
    void anUnexpectedFileInTheLogDirectoryRefusesToOpen() throws IOException {
        Files.createDirectories(dir.resolve(RaftLog.DIR_NAME));
        Files.writeString(dir.resolve(RaftLog.DIR_NAME).resolve("notes.txt"), "x");
        StoreException e = assertThrows(StoreException.class, () -> RaftLog.open(dir, SMALL));
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
    }

    private static void zero(Path file, long at, long bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer z = ByteBuffer.allocate((int) bytes);
            ch.write(z, at);
        }
    }

    private static void flip(Path file, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x5a));
            b.rewind();
            ch.write(b, at);
        }
    }
}

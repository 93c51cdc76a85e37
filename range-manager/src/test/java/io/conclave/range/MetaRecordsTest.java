package io.conclave.range;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.range.rpc.RangeDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The meta rules as pure functions: the apply rule, repair planning and the tiling check. */
class MetaRecordsTest {
    private static final byte[] A = {0x10};
    private static final byte[] B = {0x20};
    private static final byte[] C = {0x30};
    private static final byte[] D = {0x40};

    private static RangeDescriptor d(long id, byte[] start, byte[] end, long generation) {
        return RangeDescriptor.newBuilder().setRangeId(id).setStartKey(ByteString.copyFrom(start))
                .setEndKey(ByteString.copyFrom(end)).setGeneration(generation).build();
    }

    @Test
    void aSplitReplacesItsRangeAndNothingOlderOrCoarserGetsBack() {
        RangeDescriptor whole = d(2, A, C, 4);
        RangeDescriptor left = d(2, A, B, 5);
        RangeDescriptor right = d(3, B, C, 5);
        assertNull(MetaRecords.refusal(List.of(left, right), true, List.of(whole)));
        assertNull(MetaRecords.refusal(List.of(left, right), true, List.of(left, right)), "a replay");
        assertTrue(MetaRecords.refusal(List.of(whole), true, List.of(left, right)).contains("more records"));
        assertTrue(MetaRecords.refusal(List.of(d(2, A, B, 6), d(3, B, C, 4)), true, List.of(left, right))
                .contains("newer"), "all or nothing: one record older than meta refuses the others too");
        assertTrue(MetaRecords.refusal(List.of(left), true, List.of(whole)).contains("no record ending at"),
                "the left half alone would leave [B, C) without a record");
        assertTrue(MetaRecords.refusal(List.of(right), false, List.of(whole)).contains("no record ending at"),
                "the right half alone would overlap the whole");
    }

    @Test
    void updatesMustBeContiguousBoundedAndInOrder() {
        assertNull(MetaRecords.checkUpdate(List.of(d(2, A, B, 1), d(3, B, C, 1))));
        assertTrue(MetaRecords.checkUpdate(List.of()).contains("at least one"));
        assertTrue(MetaRecords.checkUpdate(List.of(d(2, A, B, 1), d(3, C, D, 1))).contains("not contiguous"));
        assertTrue(MetaRecords.checkUpdate(List.of(d(2, B, A, 1))).contains("not after its start"));
        assertTrue(MetaRecords.checkUpdate(List.of(d(0, A, B, 1))).contains("no range id"));
        assertTrue(MetaRecords.checkUpdate(List.of(d(2, A, new byte[] {(byte) 0xff, (byte) 0xff, 1}, 1)))
                .contains("beyond KEY_MAX"));
        List<RangeDescriptor> many = new ArrayList<>();
        for (int i = 0; i <= MetaRecords.MAX_RECORDS_PER_UPDATE; i++) {
            many.add(d(10 + i, new byte[] {0x10, (byte) i}, new byte[] {0x10, (byte) (i + 1)}, 1));
        }
        assertTrue(MetaRecords.checkUpdate(many).startsWith("too large"));
    }

    @Test
    void repairFillsACoarseRecordFromKnownDescriptorsOrWaits() {
        RangeDescriptor whole = d(2, A, D, 4);
        RangeDescriptor left = d(2, A, B, 5);
        RangeDescriptor mid = d(3, B, C, 6);
        RangeDescriptor last = d(4, C, D, 6);
        RangeDescriptor staleMid = d(3, B, D, 5);
        // The newest known descriptor at each start is taken.
        assertEquals(Optional.of(List.of(left, mid, last)),
                MetaRecords.repair(left, List.of(whole), List.of(left, staleMid, mid, last)));
        assertEquals(Optional.empty(), MetaRecords.repair(left, List.of(whole), List.of(left, mid)),
                "[C, D) unknown here: nothing is written");
        assertTrue(MetaRecords.upToDate(left, List.of(left)));
        assertTrue(MetaRecords.upToDate(d(2, A, B, 3), List.of(whole)), "meta is newer than the asker");
        assertFalse(MetaRecords.upToDate(left, List.of(whole)));
        assertEquals(Optional.of(List.of(d(2, A, D, 5))), MetaRecords.repair(d(2, A, D, 5), List.of(whole),
                List.of(d(2, A, D, 5))), "a replica change: the record alone");
    }

    @Test
    void tilingProblemsAreNamed() {
        List<RangeDescriptor> ok = List.of(d(1, Keys.KEY_MIN, Keys.USER_START, 1), d(2, Keys.USER_START, B, 1),
                d(3, B, Keys.KEY_MAX, 1));
        assertNull(MetaRecords.tilingProblem(keysOf(ok), ok));
        List<RangeDescriptor> gap = List.of(ok.get(0), d(3, B, Keys.KEY_MAX, 1));
        assertTrue(MetaRecords.tilingProblem(keysOf(gap), gap).contains("(a gap)"));
        List<RangeDescriptor> overlap = List.of(ok.get(0), d(2, Keys.USER_START, C, 1), d(3, B, Keys.KEY_MAX, 1));
        assertTrue(MetaRecords.tilingProblem(keysOf(overlap), overlap).contains("(an overlap)"));
        List<RangeDescriptor> short_ = ok.subList(0, 2);
        assertTrue(MetaRecords.tilingProblem(keysOf(short_), short_).contains("not KEY_MAX"));
        List<byte[]> misplaced = keysOf(ok);
        misplaced.set(1, Keys.metaKey(C));
        assertTrue(MetaRecords.tilingProblem(misplaced, ok).contains("ends elsewhere"));
    }

    private static List<byte[]> keysOf(List<RangeDescriptor> ds) {
        List<byte[]> out = new ArrayList<>();
        for (RangeDescriptor x : ds) out.add(Keys.metaKey(x.getEndKey().toByteArray()));
        return out;
    }
}

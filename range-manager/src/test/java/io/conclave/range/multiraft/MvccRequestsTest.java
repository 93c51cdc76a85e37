package io.conclave.range.multiraft;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.rpc.KeySpan;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvScan;
import io.conclave.range.rpc.PushType;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPrepare;
import io.conclave.range.rpc.TxnPush;
import io.conclave.range.rpc.TxnRefresh;
import io.conclave.range.rpc.TxnWrite;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation, routing keys, span checks and footprints of requests on user ranges. */
class MvccRequestsTest {
    private static final RangeDescriptor RANGE = RangeDescriptor.newBuilder().setRangeId(5)
            .setStartKey(bs("c")).setEndKey(bs("m")).build();

    private static ByteString bs(String s) {
        return ByteString.copyFrom(s.getBytes(UTF_8));
    }

    private static TxnMeta txn(String anchor, int idBytes) {
        return TxnMeta.newBuilder().setId(ByteString.copyFrom(new byte[idBytes])).setAnchorKey(bs(anchor))
                .setWriteTs(Timestamp.ofWallNanos(10).toProto()).build();
    }

    private static KvRequest prepare(TxnMeta t, String... keys) {
        TxnPrepare.Builder p = TxnPrepare.newBuilder().setTxn(t);
        for (String k : keys) p.addWrites(TxnWrite.newBuilder().setKey(bs(k)).setValue(bs("v")));
        return KvRequest.newBuilder().setTxnPrepare(p).build();
    }

    private static KvRequest refresh(String start, String end, String... keys) {
        TxnRefresh.Builder r = TxnRefresh.newBuilder().setFromTs(Timestamp.ofWallNanos(1).toProto())
                .setToTs(Timestamp.ofWallNanos(2).toProto()).addSpans(KeySpan.newBuilder().setStartKey(bs(start))
                        .setEndKey(bs(end)));
        for (String k : keys) r.addKeys(bs(k));
        return KvRequest.newBuilder().setTxnRefresh(r).build();
    }

    @Test
    void transactionalRequestsAreValidated() {
        assertNull(KvApplier.validate(prepare(txn("d", 16), "d", "e"), false));
        assertTrue(KvApplier.validate(prepare(txn("d", 15), "d"), false).contains("16 bytes"));
        assertTrue(KvApplier.validate(prepare(txn("d", 16)), false).contains("at least one write"));
        assertNotNull(KvApplier.validate(prepare(txn("d", 16), "\u0002meta"), true), "system keys are not transactional");
        String tooLong = KvApplier.validate(prepare(txn("d", 16), "d".repeat(Keys.MAX_KEY_BYTES + 1)), false);
        assertTrue(tooLong.startsWith("too large"), tooLong);
        assertTrue(KvApplier.validate(KvRequest.newBuilder().setTxnPush(TxnPush.newBuilder().setPushee(txn("d", 16)))
                .build(), false).contains("type"));
        assertNull(KvApplier.validate(KvRequest.newBuilder().setTxnPush(TxnPush.newBuilder().setPushee(txn("d", 16))
                .setType(PushType.PUSH_TOUCH)).build(), false));
        assertTrue(KvApplier.validate(refresh("e", "d"), false).contains("not after"));
    }

    @Test
    void routingAndSpanChecksCoverEveryKey() {
        assertArrayEquals("d".getBytes(UTF_8), KvApplier.firstKey(prepare(txn("x", 16), "d", "z")));
        assertTrue(KvApplier.outsideSpan(RANGE, prepare(txn("x", 16), "d", "z")).contains("z"));
        assertNull(KvApplier.outsideSpan(RANGE, prepare(txn("x", 16), "d", "e")));
        KvRequest push = KvRequest.newBuilder().setTxnPush(TxnPush.newBuilder().setPushee(txn("x", 16))
                .setPusher(txn("d", 16)).setType(PushType.PUSH_ABORT)).build();
        assertArrayEquals("x".getBytes(UTF_8), KvApplier.firstKey(push), "a push goes to the pushee's record");
        assertNull(KvApplier.outsideSpan(RANGE, refresh("d", "m", "e")));
        assertNotNull(KvApplier.outsideSpan(RANGE, refresh("d", "n")), "a refresh span past the range is refused");
        assertNotNull(KvApplier.outsideSpan(RANGE, refresh("d", "e", "q")));
    }

    @Test
    void footprintsClipToTheRangeAndOverlap() {
        MvccRequests.Footprint scan = MvccRequests.footprint(RANGE, KvRequest.newBuilder().setScan(KvScan.newBuilder()
                .setStartKey(bs("a"))).build());
        assertEquals(1, scan.spans().size());
        assertArrayEquals("c".getBytes(UTF_8), scan.spans().get(0)[0]);
        assertArrayEquals("m".getBytes(UTF_8), scan.spans().get(0)[1]);
        MvccRequests.Footprint write = MvccRequests.footprint(RANGE, prepare(txn("d", 16), "f"));
        assertTrue(scan.overlaps(write));
        assertTrue(write.overlaps(scan));
        MvccRequests.Footprint other = MvccRequests.footprint(RANGE, prepare(txn("d", 16), "g"));
        assertFalse(write.overlaps(other));
        assertEquals(List.of(), MvccRequests.footprint(RANGE, KvRequest.newBuilder().setTxnPush(TxnPush.newBuilder()
                .setPushee(txn("d", 16))).build()).keys(), "records take no latch");
    }
}

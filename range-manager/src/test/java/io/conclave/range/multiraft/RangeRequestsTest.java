package io.conclave.range.multiraft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.range.Keys;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.KvConditionalPut;
import io.conclave.range.rpc.KvDeleteRange;
import io.conclave.range.rpc.KvGet;
import io.conclave.range.rpc.KvIncrement;
import io.conclave.range.rpc.KvMetaUpdate;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.RangeReply;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routing by range, key rules and every KV operation on an in-JVM cluster of real stores. */
class RangeRequestsTest {
    @TempDir
    Path dir;

    static ByteString bs(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static KvRequest put(long range, String key, String value) {
        return KvRequest.newBuilder().setRangeId(range).setPut(KvPut.newBuilder().setKey(bs(key)).setValue(bs(value)))
                .build();
    }

    static KvRequest get(long range, byte[] key) {
        return KvRequest.newBuilder().setRangeId(range).setGet(KvGet.newBuilder().setKey(ByteString.copyFrom(key)))
                .build();
    }

    static ErrorResponse.Code code(RangeReply r) {
        return r.hasError() ? r.getError().getCode() : ErrorResponse.Code.CODE_UNSPECIFIED;
    }

    @Test
    void requestsAreRoutedByRangeAndEveryOperationApplies() throws Exception {
        // Two user ranges: 2 = [0x04, 0x81ff), 3 = [0x81ff, 0xffff).
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults(), 2)) {
            cluster.awaitLeader(2);
            assertTrue(SplitTest.send(cluster, put(2, "a", "1")).hasKvResponse());
            long[] holder = {0};
            LocalCluster.await("a leaseholder of range 2 that leads it", () -> (holder[0] = LeaseTest.holder(cluster, 2)) != 0);
            long leader = holder[0];
            assertArrayEquals(bs("1").toByteArray(),
                    cluster.kv(leader, get(0, bs("a").toByteArray())).getKvResponse().getValue().toByteArray());

            // Not this range's key: the answer names both descriptors.
            RangeReply mismatch = cluster.kv(leader, get(2, new byte[] {(byte) 0x90}));
            assertEquals(ErrorResponse.Code.RANGE_KEY_MISMATCH, code(mismatch), mismatch.toString());
            List<Long> ids = mismatch.getError().getDescriptorsList().stream().map(RangeDescriptor::getRangeId).toList();
            assertEquals(List.of(2L, 3L), ids);
            assertEquals(ErrorResponse.Code.RANGE_NOT_FOUND, code(cluster.kv(leader, put(99, "a", "1"))));

            // Key rules: local keys never, system keys only through range 1, user keys below KEY_MAX.
            RangeReply local = cluster.kv(leader, get(1, new byte[] {0x01, 'r'}));
            assertEquals(ErrorResponse.Code.BAD_REQUEST, code(local), local.toString());
            assertEquals(ErrorResponse.Code.BAD_REQUEST, code(cluster.kv(leader, get(2, Keys.rangeIdCounterKey()))));
            assertEquals(ErrorResponse.Code.BAD_REQUEST, code(cluster.kv(leader, get(3, Keys.KEY_MAX))));
            RangeReply big = cluster.kv(leader, put(2, "k".repeat(Keys.MAX_KEY_BYTES + 1), "v"));
            assertEquals(ErrorResponse.Code.TOO_LARGE, code(big));

            // Not the leader: sent to the one that is.
            long follower = leader % 3 + 1;
            RangeReply redirect = cluster.kv(follower, put(2, "a", "2"));
            assertEquals(ErrorResponse.Code.NOT_LEASEHOLDER, code(redirect), redirect.toString());
            assertEquals(leader, redirect.getError().getLeaderHint());

            // Conditional put: applies when the value matches, else says what is there.
            KvRequest cput = KvRequest.newBuilder().setRangeId(2).setConditionalPut(KvConditionalPut.newBuilder()
                    .setKey(bs("a")).setValue(bs("2")).setExpectedValue(bs("1"))).build();
            assertTrue(cluster.kv(leader, cput).hasKvResponse());
            RangeReply failed = cluster.kv(leader, cput);
            assertEquals(ErrorResponse.Code.CONDITION_FAILED, code(failed));
            assertEquals("2", failed.getError().getActualValue().toStringUtf8());
            KvRequest absent = KvRequest.newBuilder().setRangeId(2).setConditionalPut(KvConditionalPut.newBuilder()
                    .setKey(bs("new")).setValue(bs("x")).setExpectAbsent(true)).build();
            assertTrue(cluster.kv(leader, absent).hasKvResponse());
            assertEquals(ErrorResponse.Code.CONDITION_FAILED, code(cluster.kv(leader, absent)));

            // Increment of the range-id counter on range 1 (bootstrap wrote 3).
            cluster.awaitLeader(1);
            assertTrue(SplitTest.send(cluster, get(1, Keys.rangeIdCounterKey())).hasKvResponse());
            LocalCluster.await("a leaseholder of range 1 that leads it", () -> (holder[0] = LeaseTest.holder(cluster, 1)) != 0);
            long metaLeader = holder[0];
            KvRequest inc = KvRequest.newBuilder().setRangeId(1).setIncrement(KvIncrement.newBuilder()
                    .setKey(ByteString.copyFrom(Keys.rangeIdCounterKey())).setDelta(1)).build();
            assertEquals(4, ByteBuffer.wrap(cluster.kv(metaLeader, inc).getKvResponse().getValue().toByteArray()).getLong());
            assertEquals(5, ByteBuffer.wrap(cluster.kv(metaLeader, inc).getKvResponse().getValue().toByteArray()).getLong());

            // Meta records: a lower generation never replaces a higher one.
            RangeDescriptor meta2 = RangeDescriptor.parseFrom(cluster.kv(metaLeader,
                    get(1, Keys.metaKey(new byte[] {(byte) 0x81, (byte) 0xff}))).getKvResponse().getValue());
            assertEquals(2, meta2.getRangeId());
            RangeDescriptor newer = meta2.toBuilder().setGeneration(5).build();
            KvRequest update = KvRequest.newBuilder().setRangeId(1).setMetaUpdate(KvMetaUpdate.newBuilder()
                    .setKey(ByteString.copyFrom(Keys.metaKey(newer.getEndKey().toByteArray()))).setRangeDescriptor(newer))
                    .build();
            assertFalse(cluster.kv(metaLeader, update).getKvResponse().getFound(), "applied");
            KvRequest stale = update.toBuilder().setMetaUpdate(update.getMetaUpdate().toBuilder()
                    .setRangeDescriptor(meta2.toBuilder().setGeneration(4))).build();
            assertTrue(cluster.kv(metaLeader, stale).getKvResponse().getFound(), "not applied: a newer record exists");

            // Scans clip to the range and resume; delete range counts what it removed.
            for (int i = 0; i < 10; i++) cluster.kv(leader, put(2, "s" + i, "v" + i));
            List<String> seen = new ArrayList<>();
            byte[] from = bs("s").toByteArray();
            for (int round = 0; round < 10 && from != null; round++) {
                var r = cluster.scan(leader, 2, from, bs("t").toByteArray(), 3).getKvResponse();
                for (KvPair p : r.getPairsList()) seen.add(p.getKey().toStringUtf8());
                from = r.getResumeKey().isEmpty() ? null : r.getResumeKey().toByteArray();
            }
            assertEquals(List.of("s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"), seen);
            RangeReply beyond = cluster.scan(leader, 2, bs("s").toByteArray(), new byte[] {(byte) 0x90}, 0);
            assertEquals(ErrorResponse.Code.RANGE_KEY_MISMATCH, code(beyond), "a span beyond the range is refused");
            KvRequest dr = KvRequest.newBuilder().setRangeId(2).setDeleteRange(KvDeleteRange.newBuilder()
                    .setStartKey(bs("s3")).setEndKey(bs("s7"))).build();
            assertEquals(4, cluster.kv(leader, dr).getKvResponse().getDeleted());
            assertEquals(6, cluster.scan(leader, 2, bs("s").toByteArray(), bs("t").toByteArray(), 0).getKvResponse()
                    .getPairsCount());

            GroupStatus s2 = cluster.status(leader, 2);
            assertEquals(2, s2.getRangeDescriptor().getRangeId());
            assertTrue(s2.getSizeBytes() > 0, s2.toString());
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }

    @Test
    void aFollowerThatMissedTruncatedEntriesCatchesUpBySnapshot() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults().withLogEntriesBeforeSnapshot(5),
                1)) {
            long leader = cluster.awaitLeader(2);
            long down = leader % 3 + 1;
            cluster.crash(down);
            for (int i = 0; i < 40; i++) {
                RangeReply r = SplitTest.send(cluster, put(2, "k" + i, "v" + i));
                assertTrue(r.hasKvResponse(), r.toString());
            }
            cluster.restart(down);
            LocalCluster.await("node " + down + " to catch up", () -> cluster.storedValue(down, bs("k39").toByteArray())
                    != null);
            for (int i = 0; i < 40; i++) {
                assertArrayEquals(bs("v" + i).toByteArray(), cluster.storedValue(down, bs("k" + i).toByteArray()));
            }
            GroupStatus s = cluster.status(down, 2);
            assertEquals(2, s.getRangeDescriptor().getRangeId());
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }
}

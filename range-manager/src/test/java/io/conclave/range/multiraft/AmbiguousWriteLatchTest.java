package io.conclave.range.multiraft;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvGet;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RangeReply;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write answered AMBIGUOUS_RESULT (proposed, then timed out) keeps its latch until it can no
 * longer apply: a read of its key on the leaseholder meanwhile goes through the log instead of
 * being served from a store that does not show the write yet, though the write's timestamp
 * (chosen at proposal) lies below the read's.
 */
class AmbiguousWriteLatchTest {
    private static final long RANGE = 2;

    @TempDir
    Path dir;

    private static KvRequest put(String key, String value) {
        return KvRequest.newBuilder().setRangeId(RANGE).setPut(KvPut.newBuilder()
                .setKey(ByteString.copyFrom(key, UTF_8)).setValue(ByteString.copyFrom(value, UTF_8))).build();
    }

    private static KvRequest get(String key) {
        return KvRequest.newBuilder().setRangeId(RANGE).setGet(KvGet.newBuilder()
                .setKey(ByteString.copyFrom(key, UTF_8))).build();
    }

    private static String value(RangeReply reply) {
        assertTrue(reply.hasKvResponse(), reply.toString());
        return reply.getKvResponse().getFound() ? reply.getKvResponse().getValue().toStringUtf8() : null;
    }

    /**
     * Elections far slower than the request timeout (the isolated leader keeps leading, so
     * keeps serving, well after its write timed out) and a lease that outlives the test's
     * partition.
     */
    private static SchedulerSettings settings() {
        SchedulerSettings d = SchedulerSettings.defaults();
        return new SchedulerSettings(100, 1, 20, d.logEntriesBeforeSnapshot(), d.logBytesBeforeSnapshot(),
                d.inboxCapacity(), d.maxEventsPerCycle(), d.maxSnapshotKeys(), d.maxScanRows(), d.maxRangeBytes(),
                d.splitQps(), 10_000_000_000L);
    }

    @Test
    void aReadAfterAnAmbiguousWriteGoesThroughTheLogUntilTheWriteApplied() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, settings(), 1)) {
            cluster.awaitLeader(RANGE);
            long[] found = {0};
            LocalCluster.await("a leaseholder and leader of range 2", () -> {
                SplitTest.send(cluster, put("warm-up", "x"));
                found[0] = LeaseTest.holder(cluster, RANGE);
                return found[0] != 0;
            });
            long lh = found[0];
            value(SplitTest.send(cluster, put("k", "v1")));
            value(SplitTest.send(cluster, put("other", "o1")));
            Scheduler s = cluster.schedulers.get(lh);

            cluster.isolate(lh);
            RangeReply write = cluster.kv(lh, put("k", "v2"));
            assertEquals(ErrorResponse.Code.AMBIGUOUS_RESULT, write.getError().getCode(), write.toString());

            // A key no write holds is still served from the store, so the node still serves.
            assertEquals("o1", value(cluster.kv(lh, get("other"))));
            // The ambiguous write's key: through the log, which cannot commit while isolated;
            // served from the store it would answer "v1" and the write could then apply below it.
            long throughLogBefore = s.readsThroughLog();
            RangeReply read = cluster.kv(lh, get("k"));
            assertTrue(read.hasError(), "read of a key with an ambiguous write in flight was served locally: " + read);
            assertEquals(ErrorResponse.Code.TIMEOUT, read.getError().getCode(), read.toString());
            assertTrue(s.readsThroughLog() > throughLogBefore, "the read did not go through the log");

            cluster.heal(lh);
            String[] seen = {null};
            LocalCluster.await("a read of k after the partition healed", () -> {
                seen[0] = value(SplitTest.send(cluster, get("k")));
                return true;
            });
            // Whatever became of the write (applied at its index, or overwritten by a new
            // leader's entry), the read agrees with every replica's store once they converge.
            LocalCluster.await("every replica to agree on k", () -> {
                for (long id : cluster.nodeIds()) {
                    byte[] stored = cluster.storedValue(id, "k".getBytes(UTF_8));
                    if (stored == null || !new String(stored, UTF_8).equals(seen[0])) return false;
                }
                return true;
            });
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }
}

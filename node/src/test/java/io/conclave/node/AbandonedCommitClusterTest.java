package io.conclave.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.node.maintenance.MaintenanceSettings;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.multiraft.SchedulerSettings;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.TxnEnd;
import io.conclave.range.rpc.TxnGet;
import io.conclave.range.rpc.TxnHeartbeat;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPrepare;
import io.conclave.range.rpc.TxnQuery;
import io.conclave.range.rpc.TxnReadOptions;
import io.conclave.range.rpc.TxnStatus;
import io.conclave.range.rpc.TxnWrite;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator that dies right after its commit point, on a real 3-node cluster with two user
 * ranges: its intents on both ranges and its COMMITTED record stay, until the leaseholder's
 * maintenance loop finds the record in a GC page (older than the GC threshold, heartbeat
 * expired), resolves the intents it lists and removes it, with the same removal mark as the
 * coordinator's own removal. Takes the record's 5 s expiry plus a few GC rounds.
 */
class AbandonedCommitClusterTest {
    /** In range 2 of the two initial user ranges (they split near 0x82). */
    private static final byte[] LEFT = {0x61};
    /** In range 3. */
    private static final byte[] RIGHT = {(byte) 0xf0, 0x7a};
    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path dir;

    private static TxnMeta txn(Timestamp ts) {
        byte[] id = new byte[16];
        id[0] = 0x5a;
        id[15] = 1;
        return TxnMeta.newBuilder().setId(ByteString.copyFrom(id)).setAnchorKey(ByteString.copyFrom(LEFT))
                .setWriteTs(ts.toProto()).setMinTs(ts.toProto()).build();
    }

    private static KvResponse send(RangeClient client, byte[] key, KvRequest.Builder req) {
        return client.sendRouted(key, d -> req.setRangeId(d.getRangeId()).build(), true).response();
    }

    private static Timestamp prepare(RangeClient client, TxnMeta t, byte[] key, String value) {
        KvResponse r = send(client, key, KvRequest.newBuilder().setTxnPrepare(TxnPrepare.newBuilder().setTxn(t)
                .addWrites(TxnWrite.newBuilder().setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFromUtf8(value)))));
        return Timestamp.fromProto(r.getWriteTs());
    }

    private static boolean recordExists(RangeClient client, TxnMeta t) {
        return send(client, LEFT, KvRequest.newBuilder().setTxnQuery(TxnQuery.newBuilder().setTxn(t))).hasTxnRecord();
    }

    @Test
    void gcFinishesACommittedTransactionWhoseCoordinatorVanished() throws Exception {
        MaintenanceSettings maintenance = MaintenanceSettings.defaults().withInterval(Duration.ofMillis(100))
                .withEnabled(false, false, false).withGcTtl(Duration.ofSeconds(1)).withGcInterval(Duration.ofMillis(200));
        try (TestCluster cluster = new TestCluster(dir, 3, SchedulerSettings.defaults(), 2, false, maintenance);
                RangeClient client = cluster.client(1, 2, 3)) {
            assertNotEquals(client.rangeFor(LEFT).getRangeId(), client.rangeFor(RIGHT).getRangeId());
            // The coordinator's protocol up to the commit point, and not a step further.
            TxnMeta t = txn(Timestamp.fromProto(client.now().getNow()));
            send(client, LEFT, KvRequest.newBuilder().setTxnHeartbeat(TxnHeartbeat.newBuilder().setTxn(t).setCreate(true)));
            Timestamp commitTs = Timestamp.max(prepare(client, t, LEFT, "left"), prepare(client, t, RIGHT, "right"));
            KvResponse committed = send(client, LEFT, KvRequest.newBuilder().setTxnEnd(TxnEnd.newBuilder().setTxn(t)
                    .setCommit(true).setCommitTs(commitTs.toProto())
                    .addIntentKeys(ByteString.copyFrom(LEFT)).addIntentKeys(ByteString.copyFrom(RIGHT))));
            assertEquals(TxnStatus.COMMITTED, committed.getTxnRecord().getStatus());
            // A snapshot read at the commit timestamp meets the intent (a plain get would wait for it).
            KvException blocked = assertThrows(KvException.class, () -> send(client, RIGHT, KvRequest.newBuilder()
                    .setTxnGet(TxnGet.newBuilder().setKey(ByteString.copyFrom(RIGHT))
                            .setRead(TxnReadOptions.newBuilder().setReadTs(commitTs.toProto())))));
            assertEquals(ErrorResponse.Code.WRITE_INTENT, blocked.code(), "nobody resolved the intents");
            assertTrue(recordExists(client, t));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (recordExists(client, t)) {
                assertTrue(System.nanoTime() < deadline, "the abandoned COMMITTED record is still there after "
                        + WAIT_SECONDS + " s");
                TimeUnit.MILLISECONDS.sleep(100);
            }
            // Removed only after its intents were resolved: both writes read as committed.
            assertArrayEquals("left".getBytes(), client.get(LEFT).orElseThrow());
            assertArrayEquals("right".getBytes(), client.get(RIGHT).orElseThrow());
            // The removal was marked: a late heartbeat of the transaction finds it finished and
            // does not bring the record back.
            KvException late = assertThrows(KvException.class, () -> send(client, LEFT, KvRequest.newBuilder()
                    .setTxnHeartbeat(TxnHeartbeat.newBuilder().setTxn(t))));
            assertEquals(ErrorResponse.Code.TXN_ABORTED, late.code(), late.getMessage());
            assertFalse(recordExists(client, t));
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }
}

package io.conclave.tests.txn;

import static io.conclave.tests.jepsen.KvKeys.keyIn;
import static io.conclave.tests.txn.TxnTests.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.clock.proto.TimestampProto;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.tests.ranges.RangeTestCluster;
import io.conclave.range.rpc.TxnEnd;
import io.conclave.range.rpc.TxnHeartbeat;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPrepare;
import io.conclave.range.rpc.TxnStatus;
import io.conclave.range.rpc.TxnWrite;
import io.conclave.txn.TxnClient;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node crash in the middle of a two-range commit leaves the transaction all or nothing. The
 * test plays a coordinator by hand over {@link RangeClient#send}: record PENDING (txn_heartbeat on
 * the anchor's range), intents on both ranges (txn_prepare), then it stops, as a coordinator that
 * died would, and kill -9 takes a leaseholder down and back. Without txn_end, a reader's push
 * finds the record unheartbeated past its expiration, aborts it and sees neither write (and the
 * late txn_end commit is refused). After txn_end COMMITTED without any resolve, a reader resolves
 * the intents and sees both writes. Replay with {@code -Dtxn.seed=N}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class CrashMidCommitProcessTest {
    private TxnTests.Rig rig;
    private RangeTestCluster cluster;
    private long seed;
    private SplittableRandom random;
    private RangeClient admin;
    private List<RangeDescriptor> ranges;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws Exception {
        rig = TxnTests.Rig.start(dir, "crash-commit", 2);
        cluster = rig.cluster();
        seed = rig.seed();
        random = new SplittableRandom(seed);
        admin = rig.admin();
        ranges = rig.ranges();
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (rig != null) rig.close();
    }

    @Test
    void preparedButNeverCommittedIsAbortedByAReaderAfterTheCrash() throws Exception {
        byte[] anchor = keyIn(ranges.get(0), "/crash/abort/k1");
        byte[] other = keyIn(ranges.get(1), "/crash/abort/k2");
        writeOld(anchor, other);
        TxnMeta txn = newTxn(anchor);
        heartbeat(txn);
        Timestamp writeTs = prepareBoth(txn, anchor, other);
        // The coordinator is gone. Crash the node holding the lease of the record's range.
        crashAndRestartLeaseholderOf(ranges.get(0));

        long start = System.nanoTime();
        List<String> seen = readBoth(anchor, other);
        System.out.println("[crash-commit] abandoned transaction: read " + seen + " after " + TxnTests.millisSince(start)
                + " ms");
        assertEquals(List.of("old", "old"), seen, "a reader saw part or all of an uncommitted transaction; "
                + TxnTests.replay(seed));

        // The coordinator comes back too late: its commit must not take.
        try {
            KvResponse r = admin.send(anchor, KvRequest.newBuilder().setTxnEnd(TxnEnd.newBuilder().setTxn(txn)
                    .setCommit(true).setCommitTs(writeTs.toProto())).build(), true);
            assertNotEquals(TxnStatus.COMMITTED, r.getTxnRecord().getStatus(),
                    "an aborted transaction committed after a reader saw its writes absent; " + TxnTests.replay(seed));
        } catch (KvException e) {
            if (e.code() != ErrorResponse.Code.TXN_ABORTED && e.code() != ErrorResponse.Code.TXN_RETRY) throw e;
        }
        assertEquals(List.of("old", "old"), readBoth(anchor, other), "after the late commit; " + TxnTests.replay(seed));
    }

    /**
     * The coordinator died between its prepares and its first heartbeat: intents name a record
     * that was never written. A reader's push writes the record ABORTED (once the transaction is
     * older than the expiration) and sees neither write.
     */
    @Test
    void preparedWithoutARecordIsAbortedByAReaderAfterTheCrash() throws Exception {
        byte[] anchor = keyIn(ranges.get(0), "/crash/norecord/k1");
        byte[] other = keyIn(ranges.get(1), "/crash/norecord/k2");
        writeOld(anchor, other);
        TxnMeta txn = newTxn(anchor);
        prepareBoth(txn, anchor, other);
        crashAndRestartLeaseholderOf(ranges.get(1));

        long start = System.nanoTime();
        List<String> seen = readBoth(anchor, other);
        System.out.println("[crash-commit] transaction without a record: read " + seen + " after "
                + TxnTests.millisSince(start) + " ms");
        assertEquals(List.of("old", "old"), seen, "a reader saw part or all of a transaction that never committed; "
                + TxnTests.replay(seed));
        try {
            KvResponse r = admin.send(anchor, KvRequest.newBuilder().setTxnHeartbeat(TxnHeartbeat.newBuilder()
                    .setTxn(txn)).build(), true);
            assertNotEquals(TxnStatus.PENDING, r.getTxnRecord().getStatus(),
                    "a record was created PENDING for a transaction a reader had aborted; " + TxnTests.replay(seed));
        } catch (KvException e) {
            if (e.code() != ErrorResponse.Code.TXN_ABORTED) throw e;
        }
    }

    @Test
    void committedButNeverResolvedIsSeenWholeAfterTheCrash() throws Exception {
        byte[] anchor = keyIn(ranges.get(0), "/crash/commit/k1");
        byte[] other = keyIn(ranges.get(1), "/crash/commit/k2");
        writeOld(anchor, other);
        TxnMeta txn = newTxn(anchor);
        heartbeat(txn);
        Timestamp commitTs = prepareBoth(txn, anchor, other);
        KvResponse end = admin.send(anchor, KvRequest.newBuilder().setTxnEnd(TxnEnd.newBuilder().setTxn(txn)
                .setCommit(true).setCommitTs(commitTs.toProto())).build(), true);
        assertEquals(TxnStatus.COMMITTED, end.getTxnRecord().getStatus(), "txn_end answered " + end);
        // No resolve: both intents stay. Crash the node holding the lease of the other range.
        crashAndRestartLeaseholderOf(ranges.get(1));

        long start = System.nanoTime();
        List<String> seen = readBoth(anchor, other);
        System.out.println("[crash-commit] committed, unresolved transaction: read " + seen + " after "
                + TxnTests.millisSince(start) + " ms");
        assertEquals(List.of("new", "new"), seen, "a reader missed part or all of a committed transaction; "
                + TxnTests.replay(seed));
    }

    private void writeOld(byte[] anchor, byte[] other) {
        TxnClient client = rig.track(new TxnClient(admin, TxnTests.settings(true)));
        client.run(t -> {
            t.put(anchor, utf8("old"));
            t.put(other, utf8("old"));
            return null;
        });
    }

    private TxnMeta newTxn(byte[] anchor) {
        byte[] id = new byte[16];
        for (int i = 0; i < id.length; i++) id[i] = (byte) random.nextInt(256);
        TimestampProto now = admin.now().getNow();
        return TxnMeta.newBuilder().setId(ByteString.copyFrom(id)).setAnchorKey(ByteString.copyFrom(anchor))
                .setWriteTs(now).setMinTs(now).build();
    }

    private void heartbeat(TxnMeta txn) {
        KvResponse r = admin.send(txn.getAnchorKey().toByteArray(),
                KvRequest.newBuilder().setTxnHeartbeat(TxnHeartbeat.newBuilder().setTxn(txn)).build(), true);
        assertEquals(TxnStatus.PENDING, r.getTxnRecord().getStatus(), "txn_heartbeat answered " + r);
    }

    /** Writes "new" intents at both keys; returns the highest timestamp an intent was written at. */
    private Timestamp prepareBoth(TxnMeta txn, byte[] anchor, byte[] other) {
        Timestamp max = Timestamp.fromProto(txn.getWriteTs());
        for (byte[] key : List.of(anchor, other)) {
            KvResponse r = admin.send(key, KvRequest.newBuilder().setTxnPrepare(TxnPrepare.newBuilder().setTxn(txn)
                    .addWrites(TxnWrite.newBuilder().setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(
                            utf8("new"))))).build(), true);
            if (r.hasWriteTs()) max = Timestamp.max(max, Timestamp.fromProto(r.getWriteTs()));
        }
        return max;
    }

    private void crashAndRestartLeaseholderOf(RangeDescriptor range) throws Exception {
        long holder = admin.leaseholderStatus(range.getRangeId()).getLease().getHolder();
        if (holder == 0) fail("range " + range.getRangeId() + " has no leaseholder; " + TxnTests.replay(seed));
        System.out.println("[crash-commit] kill -9 node " + holder + " (leaseholder of range " + range.getRangeId() + ")");
        cluster.kill(holder);
        cluster.restart(holder);
    }

    /** Both keys' values read in one transaction by a fresh client ("absent" for none). */
    private List<String> readBoth(byte[] anchor, byte[] other) {
        RangeClient rc = rig.client(random.nextLong());
        TxnClient client = rig.track(new TxnClient(rc, TxnTests.settings(true)));
        return client.run(t -> List.of(t.get(anchor).map(TxnTests::text).orElse("absent"),
                t.get(other).map(TxnTests::text).orElse("absent")));
    }
}

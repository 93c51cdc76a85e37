package io.conclave.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.MaxOffsetSetting;
import io.conclave.node.cluster.Liveness;
import io.conclave.range.Keys;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.multiraft.SchedulerSettings;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.NowRequest;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.txn.CommitResult;
import io.conclave.txn.Txn;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnRetryException;
import io.conclave.txn.TxnSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Witnessed commit-wait on real nodes: node 1's clock runs {@link #SKEW} ahead of the others
 * (max offset 250 ms). Node 4 joins with no replicas, so its clock hears of node 1's only through
 * what is sent to it: a commit whose timestamp came from node 1 is acknowledged after a witness
 * round, well under the max offset, and a transaction begun right after through node 4 must get
 * a timestamp above it. With node 4 stopped the rounds fail and commits wait the max offset.
 * Node 4, fresh, hands out no timestamp until max offset after its liveness record was written.
 */
class WitnessedCommitWaitTest {
    static final long SKEW_NANOS = TimeUnit.MILLISECONDS.toNanos(150);
    static final long MAX_OFFSET_NANOS = MaxOffsetSetting.DEFAULT.nanos();
    static final int ROUNDS = 8;

    @TempDir
    Path dir;

    @Test
    void commitsWaitARoundTripAndATransactionBegunAfterOnAnyNodeIsAbove() throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3, SchedulerSettings.defaults(), 1, false, null,
                Map.of(1L, SKEW_NANOS));
                RangeClient admin = cluster.client(1, 2, 3)) {
            cluster.awaitLeader(admin, 2);
            byte[] key = userKey(admin, "witnessed");
            Node fourth = cluster.startJoining(4);
            long registeredSeenNanos = awaitRegistrationAndCheckNowRefused(cluster, admin);
            long readyNanos = System.nanoTime();
            assertTrue(readyNanos - registeredSeenNanos >= MAX_OFFSET_NANOS - TimeUnit.MILLISECONDS.toNanos(40),
                    "node 4 answered AdminRequest.now " + (readyNanos - registeredSeenNanos) / 1_000_000
                            + " ms after its liveness record appeared, less than the max offset");
            assertTrue(fourth.readyForTimestamps());

            try (RangeClient viaOne = cluster.client(1); RangeClient viaFour = cluster.client(4);
                    TxnClient writer = new TxnClient(viaOne, settings());
                    TxnClient reader = new TxnClient(viaFour, settings())) {
                long witnessedBefore = witnessedWaits(cluster);
                for (int i = 0; i < ROUNDS; i++) {
                    CommitResult committed = put(writer, key, "v" + i);
                    assertTrue(committed.commitWaitNanos() < MAX_OFFSET_NANOS / 2, "round " + i + ": commit-wait took "
                            + committed.commitWaitNanos() / 1_000_000 + " ms; a witness round should end it far sooner");
                    Txn next = reader.begin();
                    try {
                        assertTrue(next.readTimestamp().compareTo(committed.commitTs()) > 0, "round " + i
                                + ": a transaction begun through node 4 after the acknowledgement of a commit at "
                                + committed.commitTs() + " started at " + next.readTimestamp());
                    } finally {
                        next.rollback();
                    }
                }
                assertTrue(witnessedWaits(cluster) - witnessedBefore >= ROUNDS, "every commit-wait ended by a witness");

                cluster.stop(4);
                for (int i = 0; i < 2; i++) {
                    CommitResult slow = put(writer, key, "after-stop-" + i);
                    assertTrue(slow.commitWaitNanos() >= MAX_OFFSET_NANOS - TimeUnit.MILLISECONDS.toNanos(20),
                            "with node 4 stopped no round can succeed, so the wait is the max offset, but it took "
                                    + slow.commitWaitNanos() / 1_000_000 + " ms");
                }
            }
        }
    }

    private static TxnSettings settings() {
        return TxnSettings.builder().commitWait(true).deadline(Duration.ofSeconds(20)).build();
    }

    private static CommitResult put(TxnClient client, byte[] key, String value) {
        TxnRetryException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            Txn txn = client.begin();
            try {
                txn.put(key, value.getBytes(StandardCharsets.UTF_8));
                return txn.commit();
            } catch (TxnRetryException e) {
                last = e;
                txn.rollback();
            }
        }
        throw last;
    }

    private static long witnessedWaits(TestCluster cluster) {
        long sum = 0;
        for (Node n : cluster.nodes.values()) sum += n.commitWaitEndings()[0];
        return sum;
    }

    /**
     * Polls node 4 until it answers a clock reading; checks it refused before. Returns when its
     * liveness record was first seen.
     */
    private static long awaitRegistrationAndCheckNowRefused(TestCluster cluster, RangeClient admin) {
        AdminRequest now = AdminRequest.newBuilder().setNow(NowRequest.getDefaultInstance()).build();
        long seenNanos = 0;
        int refused = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (seenNanos == 0) {
                try {
                    if (Liveness.readAll(admin, 100).containsKey(4L)) seenNanos = System.nanoTime();
                } catch (KvException e) {
                    // range 1 busy; ask again
                }
            }
            try {
                admin.admin(cluster.hostPort(4), now);
                assertTrue(seenNanos != 0, "node 4 handed out a timestamp before its liveness record was seen");
                assertTrue(refused > 0, "node 4 never refused a clock reading before registering");
                return seenNanos;
            } catch (KvException e) {
                if (e.getMessage().contains("registering")) refused++;
            }
            sleepMillis(5);
        }
        throw new AssertionError("node 4 never answered a clock reading");
    }

    private static byte[] userKey(RangeClient admin, String suffix) {
        for (RangeDescriptor d : admin.allRanges()) {
            if (Keys.compare(d.getStartKey().toByteArray(), Keys.USER_START) >= 0) {
                byte[] start = d.getStartKey().toByteArray();
                byte[] s = suffix.getBytes(StandardCharsets.UTF_8);
                byte[] out = Arrays.copyOf(start, start.length + s.length);
                System.arraycopy(s, 0, out, start.length, s.length);
                return out;
            }
        }
        throw new AssertionError("no user range");
    }

    private static void sleepMillis(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}

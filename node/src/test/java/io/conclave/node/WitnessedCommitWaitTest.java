package io.conclave.node;

import static io.conclave.node.WitnessTests.endings;
import static io.conclave.node.WitnessTests.put;
import static io.conclave.node.WitnessTests.settings;
import static io.conclave.node.WitnessTests.sleepMillis;
import static io.conclave.node.WitnessTests.userKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.MaxOffsetSetting;
import io.conclave.node.cluster.Liveness;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.multiraft.SchedulerSettings;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.NowRequest;
import io.conclave.txn.CommitResult;
import io.conclave.txn.Txn;
import io.conclave.txn.TxnClient;
import java.nio.file.Path;
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
            awaitRegistrationAndCheckNowRefused(cluster, admin);
            assertTrue(fourth.readyForTimestamps());
            assertTrue(fourth.registrationWaitNanos() > MAX_OFFSET_NANOS, "node 4 became ready "
                    + fourth.registrationWaitNanos() / 1_000_000 + " ms after writing its liveness record");

            try (RangeClient viaOne = cluster.client(1); RangeClient viaFour = cluster.client(4);
                    TxnClient writer = new TxnClient(viaOne, settings());
                    TxnClient reader = new TxnClient(viaFour, settings())) {
                long witnessedBefore = endings(cluster)[0];
                long shortestWaitNanos = Long.MAX_VALUE;
                for (int i = 0; i < ROUNDS; i++) {
                    CommitResult committed = put(writer, key, "v" + i);
                    shortestWaitNanos = Math.min(shortestWaitNanos, committed.commitWaitNanos());
                    // Whether a round or the timer ended it, a transaction begun after must be above it.
                    Txn next = reader.begin();
                    try {
                        assertTrue(next.readTimestamp().compareTo(committed.commitTs()) > 0, "round " + i
                                + ": a transaction begun through node 4 after the acknowledgement of a commit at "
                                + committed.commitTs() + " started at " + next.readTimestamp());
                    } finally {
                        next.rollback();
                    }
                }
                // A loaded machine may time a round out now and then (the timer ends that wait), not every one.
                long witnessed = endings(cluster)[0] - witnessedBefore;
                assertTrue(witnessed >= ROUNDS / 2, "only " + witnessed + " of " + ROUNDS + " commit-waits ended by a witness");
                assertTrue(shortestWaitNanos < MAX_OFFSET_NANOS / 2, "the shortest commit-wait took "
                        + shortestWaitNanos / 1_000_000 + " ms; a witness round should end it far sooner than the max offset");
                String scraped = cluster.nodes.values().stream().map(n -> n.metrics().scrape())
                        .filter(m -> !m.contains("conclave_commit_waits_total{ended_by=\"witnessed\"} 0"))
                        .findFirst().orElse("");
                assertTrue(scraped.contains("conclave_commit_waits_total{ended_by=\"witnessed\"}")
                        && scraped.contains("conclave_commit_wait_witness_round_seconds_count"),
                        "some node's /metrics shows its witnessed commit-waits and its rounds:\n" + scraped);

                cluster.stop(4);
                long[] before = endings(cluster);
                for (int i = 0; i < 2; i++) put(writer, key, "after-stop-" + i);
                long[] after = endings(cluster);
                assertEquals(before[0], after[0], "node 4 is registered and silent: no round can succeed");
                assertTrue(after[1] - before[1] >= 2, "both commits must have waited out the max offset, but only "
                        + (after[1] - before[1]) + " commit-waits ended by the timer");
            }
        }
    }

    /** Polls node 4 until it answers a clock reading; checks it refused before, and was registered by then. */
    private static void awaitRegistrationAndCheckNowRefused(TestCluster cluster, RangeClient admin) {
        AdminRequest now = AdminRequest.newBuilder().setNow(NowRequest.getDefaultInstance()).build();
        int refused = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try {
                admin.admin(cluster.hostPort(4), now);
                assertTrue(refused > 0, "node 4 never refused a clock reading before registering");
                assertTrue(Liveness.readAll(admin, 100).containsKey(4L),
                        "node 4 handed out a timestamp without a liveness record");
                return;
            } catch (KvException e) {
                if (e.getMessage().contains("registering")) refused++;
            }
            sleepMillis(5);
        }
        throw new AssertionError("node 4 never answered a clock reading");
    }

}

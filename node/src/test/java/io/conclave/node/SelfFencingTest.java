package io.conclave.node;

import static io.conclave.node.WitnessTests.endings;
import static io.conclave.node.WitnessTests.put;
import static io.conclave.node.WitnessTests.settings;
import static io.conclave.node.WitnessTests.sleepMillis;
import static io.conclave.node.WitnessTests.userKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.MaxOffsetSetting;
import io.conclave.node.cluster.LivenessSettings;
import io.conclave.node.rpc.SetFaults;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.multiraft.SchedulerSettings;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.NowRequest;
import io.conclave.txn.TxnClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-fencing on real nodes: node 4 joins with a short liveness ttl (400 ms, heartbeats every
 * 200 ms). Once its record is past its expiration plus the max offset, the other nodes' witness
 * rounds stop asking it, so a node gone for good no longer makes every commit wait the max
 * offset; a node whose heartbeats fail refuses timestamps until a write completes and the max
 * offset has then passed.
 */
class SelfFencingTest {
    static final long MAX_OFFSET_NANOS = MaxOffsetSetting.DEFAULT.nanos();
    static final LivenessSettings SHORT_LIVENESS = new LivenessSettings(Duration.ofMillis(200),
            Duration.ofMillis(400), 100);
    static final AdminRequest NOW = AdminRequest.newBuilder().setNow(NowRequest.getDefaultInstance()).build();

    @TempDir
    Path dir;

    @Test
    void aNodeGoneForGoodStopsCostingTheMaxOffsetOnceItsRecordExpired() throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3, SchedulerSettings.defaults(), 1);
                RangeClient admin = cluster.client(1, 2, 3);
                TxnClient writer = new TxnClient(cluster.client(1), settings())) {
            cluster.awaitLeader(admin, 2);
            byte[] key = userKey(admin, "gone");
            cluster.liveness = SHORT_LIVENESS;
            Node fourth = cluster.startJoining(4);
            awaitReady(fourth);
            cluster.stop(4);
            long stoppedAt = System.nanoTime();
            long[] before = endings(cluster);
            put(writer, key, "right-after-stop");
            assertEquals(1, endings(cluster)[1] - before[1], "node 4's record is fresh: its round fails, the timer ends the wait");

            // Its record expires at most a ttl after its last write; past that plus the max offset
            // (plus a failed round's backoff), rounds skip it.
            sleepUntil(stoppedAt + SHORT_LIVENESS.ttl().toNanos() + MAX_OFFSET_NANOS + TimeUnit.MILLISECONDS.toNanos(150));
            long[] expiredBefore = endings(cluster);
            int commits = 6;
            for (int i = 0; i < commits; i++) put(writer, key, "after-expiry-" + i);
            long[] after = endings(cluster);
            long witnessed = after[0] - expiredBefore[0];
            long timer = after[1] - expiredBefore[1];
            assertTrue(witnessed >= commits / 2, "commits after node 4's record expired: " + witnessed
                    + " ended by a witness round, " + timer + " by the timer");
            String scraped = String.join("\n", cluster.nodes.values().stream().map(n -> n.metrics().scrape()).toList());
            assertTrue(scraped.lines().anyMatch(l -> l.startsWith("conclave_commit_wait_witness_records_expired_total ")
                    && !l.endsWith(" 0")), "some node's rounds judged node 4's record expired:\n" + scraped);
        }
    }

    @Test
    void aNodeWhoseHeartbeatsFailFencesItselfAndReopensAMaxOffsetAfterAWriteCompletes() throws Exception {
        try (TestCluster cluster = new TestCluster(dir, 3, SchedulerSettings.defaults(), 1, true);
                RangeClient admin = cluster.client(1, 2, 3)) {
            cluster.awaitLeader(admin, 2);
            cluster.liveness = SHORT_LIVENESS;
            Node fourth = cluster.startJoining(4);
            awaitReady(fourth);
            admin.admin(cluster.hostPort(4), NOW);

            cluster.faults.get(4L).apply(4, SetFaults.newBuilder().addAllIsolatedFrom(List.of(1L, 2L, 3L)).build());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (fourth.readyForTimestamps() && System.nanoTime() < deadline) sleepMillis(10);
            assertFalse(fourth.readyForTimestamps(), "node 4 cannot write its record, yet it still hands out timestamps");
            try {
                admin.admin(cluster.hostPort(4), NOW);
                throw new AssertionError("a fenced node 4 answered a clock reading");
            } catch (KvException e) {
                assertTrue(e.getMessage().contains("fenced itself"), e.getMessage());
            }
            assertTrue(fourth.metrics().scrape().contains("conclave_timestamp_fenced 1"), fourth.metrics().scrape());

            cluster.faults.get(4L).apply(4, SetFaults.getDefaultInstance());
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!fourth.readyForTimestamps() && System.nanoTime() < deadline) sleepMillis(5);
            assertTrue(fourth.readyForTimestamps(), "node 4 writes its record again but stays fenced");
            admin.admin(cluster.hostPort(4), NOW);
            assertEquals(1, fourth.fencings());
            assertTrue(fourth.lastReopenWaitNanos() > MAX_OFFSET_NANOS, "node 4 reopened "
                    + fourth.lastReopenWaitNanos() / 1_000_000 + " ms after a liveness write completed");
        }
    }

    private static void awaitReady(Node node) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!node.readyForTimestamps() && System.nanoTime() < deadline) sleepMillis(5);
        assertTrue(node.readyForTimestamps(), "node " + node.nodeId() + " never registered");
    }

    private static void sleepUntil(long nanoTime) {
        long remaining = nanoTime - System.nanoTime();
        if (remaining > 0) sleepMillis(TimeUnit.NANOSECONDS.toMillis(remaining) + 1);
    }
}

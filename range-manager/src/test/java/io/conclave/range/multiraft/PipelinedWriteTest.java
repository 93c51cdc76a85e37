package io.conclave.range.multiraft;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RangeReply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With durable writes pipelined, whatever depends on a write waits until it is durable: a
 * follower's acknowledgement, a vote, the leader's own count toward a quorum, an answer. Writes
 * are held at a node's {@link WriteGate}, the way a slow fsync would hold them.
 */
class PipelinedWriteTest {
    private static final long RANGE = 2;
    /** Long enough for several election timeouts (10 to 20 ticks of 10 ms) and message rounds. */
    private static final long HELD_MILLIS = 600;

    @TempDir
    Path dir;

    private static CompletableFuture<RangeReply> putAsync(LocalCluster cluster, long node, String key) {
        CompletableFuture<RangeReply> f = new CompletableFuture<>();
        cluster.schedulers.get(node).submitKv(KvRequest.newBuilder().setPut(KvPut.newBuilder()
                .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8("v-" + key))).build(),
                f::complete);
        return f;
    }

    private static List<Long> followers(LocalCluster cluster, long leader) {
        List<Long> out = new ArrayList<>();
        for (long id : cluster.nodeIds()) {
            if (id != leader) out.add(id);
        }
        return out;
    }

    /**
     * Leader and one follower held: the other follower has the entry durably, but one durable
     * copy is no quorum, so it must not learn a commit index covering it (the leader counts
     * its own copy only once durable). Releasing the held follower makes two durable copies:
     * the entry commits on followers alone (Raft thesis 10.2.1) while the leader still cannot
     * apply it, so the put stays unanswered until the leader's own write is durable.
     */
    @Test
    void anEntryCommitsOnlyOnDurableCopiesAndIsAnsweredOnlyOnceTheLeaderHasItDurably() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults())) {
            long leader = cluster.awaitLeaseholder(RANGE, "warm".getBytes(UTF_8));
            long held = followers(cluster, leader).get(0);
            long free = followers(cluster, leader).get(1);
            long lastBefore = cluster.status(leader, RANGE).getLastIndex();
            cluster.gates.get(leader).hold();
            cluster.gates.get(held).hold();

            CompletableFuture<RangeReply> put = putAsync(cluster, leader, "k");
            LocalCluster.await("the free follower to hold the entry",
                    () -> cluster.status(free, RANGE).getLastIndex() > lastBefore);
            long index = cluster.status(leader, RANGE).getLastIndex();
            TimeUnit.MILLISECONDS.sleep(HELD_MILLIS);
            assertTrue(cluster.status(free, RANGE).getCommit() < index,
                    "one durable copy of three committed: " + cluster.status(free, RANGE));
            assertNull(cluster.storedValue(free, "k".getBytes(UTF_8)), "applied without a quorum of durable copies");
            assertFalse(put.isDone(), "answered without a quorum: " + (put.isDone() ? put.get() : ""));

            cluster.gates.get(held).release();
            LocalCluster.await("the followers to commit and apply on their own two durable copies",
                    () -> cluster.storedValue(free, "k".getBytes(UTF_8)) != null);
            TimeUnit.MILLISECONDS.sleep(HELD_MILLIS / 4);
            assertFalse(put.isDone(), "answered before the leader's own write was durable");

            cluster.gates.get(leader).release();
            RangeReply reply = put.get(LocalCluster.WAIT_SECONDS, TimeUnit.SECONDS);
            assertTrue(reply.hasKvResponse(), reply.toString());
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }

    /**
     * The leader cut off and one follower's writes held: the other follower can only win with the
     * held one's vote, which leaves only once the vote (and every write before it) is durable. No
     * leader until the release, one soon after.
     */
    @Test
    void aVoteIsGrantedOnlyOnceDurable() throws Exception {
        // Fast elections: the test counts on several elections failing while the vote is held.
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults(), 1, LocalCluster.Elections.FAST)) {
            long leader = cluster.awaitLeader(RANGE);
            long held = followers(cluster, leader).get(0);
            long free = followers(cluster, leader).get(1);
            long arrived = cluster.gates.get(held).arrived();
            cluster.gates.get(held).hold();
            cluster.isolate(leader);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * HELD_MILLIS);
            while (System.nanoTime() < deadline) {
                assertFalse(cluster.status(free, RANGE).getLeader() == free,
                        "node " + free + " won an election without a durable vote from node " + held);
                TimeUnit.MILLISECONDS.sleep(20);
            }
            assertTrue(cluster.gates.get(held).arrived() > arrived, "no write of the held node reached its gate");
            cluster.gates.get(held).release();
            LocalCluster.await("a leader among the connected followers", () -> {
                long l = cluster.status(free, RANGE).getLeader();
                return (l == free || l == held) && cluster.status(l, RANGE).getLeader() == l;
            });
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }

    /**
     * A leader crashes with a write held (its store closed before that write reached the disk):
     * every acknowledged write survives on every node once it restarts and catches up; the held
     * one was never acknowledged.
     */
    @Test
    void aCrashWithAHeldWriteLosesOnlyUnacknowledgedWrites() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults())) {
            long leader = cluster.awaitLeaseholder(RANGE, "warm".getBytes(UTF_8));
            List<String> acked = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String key = "a" + i;
                assertTrue(cluster.put(leader, key.getBytes(UTF_8), ("v-" + key).getBytes(UTF_8)).hasKvResponse());
                acked.add(key);
            }
            cluster.gates.get(leader).hold();
            long arrived = cluster.gates.get(leader).arrived();
            CompletableFuture<RangeReply> held = putAsync(cluster, leader, "held");
            LocalCluster.await("the leader's write to reach its gate", () -> cluster.gates.get(leader).arrived() > arrived);
            TimeUnit.MILLISECONDS.sleep(HELD_MILLIS / 4);
            assertFalse(held.isDone(), "answered while the leader's write was held");

            cluster.crashHoldingWrite(leader);
            // The new leader serves once the crashed node's lease has expired.
            LocalCluster.await("a write through the new leader", () -> cluster.put(cluster.awaitLeader(RANGE),
                    "after".getBytes(UTF_8), "v-after".getBytes(UTF_8)).hasKvResponse());
            acked.add("after");
            cluster.restart(leader);
            for (long id : cluster.nodeIds()) {
                for (String key : acked) {
                    long node = id;
                    LocalCluster.await("node " + node + " to hold acknowledged " + key,
                            () -> cluster.storedValue(node, key.getBytes(UTF_8)) != null);
                    assertArrayEquals(("v-" + key).getBytes(UTF_8), cluster.storedValue(node, key.getBytes(UTF_8)));
                }
            }
            assertTrue(!held.isDone() || !held.get().hasKvResponse(), "the held write was acknowledged: " + held);
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }
}

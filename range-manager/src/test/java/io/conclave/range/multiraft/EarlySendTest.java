package io.conclave.range.multiraft;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;
import io.conclave.raft.Message;
import io.conclave.raft.MessageType;
import io.conclave.raft.Ready;
import io.conclave.raft.Role;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SoftState;
import io.conclave.range.rpc.RangeReply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader's appends leave before its own fsync; acknowledged writes survive the leader. */
class EarlySendTest {
    @TempDir
    Path dir;

    private static Message msg(MessageType type, long commit) {
        return new Message(type, 1, 2, 5, 5, 9, null, commit, false, 0, null, null);
    }

    private static Ready ready(HardState hs, List<Entry> entries, Snapshot snapshot, List<Message> messages) {
        return new Ready(new SoftState(1, Role.LEADER), hs, entries, snapshot, List.of(), messages, List.of(), true);
    }

    @Test
    void onlyALeadersAppendsAndHeartbeatsUnderADurableTermAndVoteGoEarly() {
        HardState durable = new HardState(5, 1, 8);
        List<Entry> entries = List.of(new Entry(5, 10, EntryType.NORMAL, new byte[] {1}));
        Ready commitMoved = ready(new HardState(5, 1, 9), entries, Snapshot.EMPTY, List.of());
        assertTrue(Scheduler.mayOverlapFsync(true, durable, commitMoved), "only the commit index changed");
        assertTrue(Scheduler.mayOverlapFsync(true, durable, ready(null, entries, Snapshot.EMPTY, List.of())));
        assertFalse(Scheduler.mayOverlapFsync(false, durable, commitMoved), "a follower never sends early");
        assertFalse(Scheduler.mayOverlapFsync(true, durable, ready(new HardState(6, 1, 9), entries, Snapshot.EMPTY,
                List.of())), "a new term is not durable yet");
        assertFalse(Scheduler.mayOverlapFsync(true, new HardState(5, 0, 8), commitMoved), "a new vote is not durable yet");

        for (MessageType t : MessageType.values()) {
            boolean early = t == MessageType.APPEND || t == MessageType.HEARTBEAT;
            assertEquals(early, Scheduler.sendableBeforeCommit(commitMoved, msg(t, 9)), t.name());
        }
        // A commit index covering the Ready's own entries (a single voter's) must wait for the fsync.
        assertFalse(Scheduler.sendableBeforeCommit(commitMoved, msg(MessageType.APPEND, 10)));
        assertTrue(Scheduler.sendableBeforeCommit(ready(null, List.of(), Snapshot.EMPTY, List.of()),
                msg(MessageType.APPEND, 10)), "no new entries: the commit index covers durable ones only");
    }

    @Test
    void theLeaderSendsAppendsAndAnswersWritesBeforeItsCommitAndFollowersNever() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults())) {
            long leader = cluster.awaitLeaseholder(2, "warm-up".getBytes(UTF_8));
            // Range 1 idle and quiesced first: its leader's heartbeats (early, as a leader's) would
            // blur what the followers of range 2 send.
            long metaLeader = cluster.awaitLeader(1);
            LocalCluster.await("range 1 to quiesce", () -> cluster.status(metaLeader, 1).getQuiesced());
            java.util.Map<Long, SchedulerStats> before = new java.util.HashMap<>();
            for (long id = 1; id <= 3; id++) before.put(id, cluster.schedulers.get(id).stats());
            for (int i = 0; i < 20; i++) {
                RangeReply f = cluster.put(leader, ("k" + i).getBytes(UTF_8), ("v" + i).getBytes(UTF_8));
                assertTrue(f.hasKvResponse(), f.toString());
            }
            SchedulerStats ls = cluster.schedulers.get(leader).stats();
            assertTrue(ls.messagesSentBeforeCommit() >= 2 * 20, "two followers, 20 appends each at least: " + ls);
            assertTrue(ls.writesAnsweredBeforeCommit() >= 20, ls.toString());
            for (long id = 1; id <= 3; id++) {
                if (id == leader) continue;
                SchedulerStats fs = cluster.schedulers.get(id).stats();
                long early = fs.messagesSentBeforeCommit() - before.get(id).messagesSentBeforeCommit();
                // Range 1 may wake meanwhile (a slow tick looks like a dead peer): a few heartbeats.
                long range1Early = id == metaLeader ? 20 : 0;
                assertTrue(early <= range1Early, "follower " + id + " sent " + early + " early: " + fs);
                assertTrue(fs.messagesSent() > before.get(id).messagesSent(), fs.toString());
            }
            for (long id = 1; id <= 3; id++) {
                long node = id;
                LocalCluster.await("node " + node + " to apply every write",
                        () -> cluster.storedValue(node, "k19".getBytes(UTF_8)) != null);
            }
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }

    /**
     * Writers keep the leader busy; its store is closed under it, so a cycle that already sent its
     * appends (and may have answered writes) fails to commit and the node stops. Every write that
     * was acknowledged must be on both survivors, and on the old leader once it restarts.
     */
    @Test
    void aLeaderStoppedBetweenSendingAppendsAndItsFsyncLosesNoAcknowledgedWrite() throws Exception {
        int writers = 8;
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults().withRequestTimeoutTicks(50))) {
            long oldLeader = cluster.awaitLeaseholder(2, "warm-up".getBytes(UTF_8));
            Set<String> acked = ConcurrentHashMap.newKeySet();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger failures = new AtomicInteger();
            long[] target = {oldLeader};
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                Thread t = new Thread(() -> {
                    for (int i = 0; i < 10_000 && !stop.get(); i++) {
                        String key = "w" + writer + "-" + i;
                        try {
                            long to = target[0];
                            if (!cluster.alive(to)) {
                                TimeUnit.MILLISECONDS.sleep(10);
                                continue;
                            }
                            RangeReply f = cluster.put(to, key.getBytes(UTF_8), key.getBytes(UTF_8));
                            if (f.hasKvResponse()) acked.add(key);
                            else failures.incrementAndGet();
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                }, "writer-" + w);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            LocalCluster.await("200 acknowledged writes", () -> acked.size() >= 200);
            assertTrue(cluster.schedulers.get(oldLeader).stats().messagesSentBeforeCommit() > 0);

            cluster.killByClosingStore(oldLeader);
            int ackedAtKill = acked.size();
            target[0] = cluster.awaitLeader(2);
            LocalCluster.await("writes acknowledged by the new leader", () -> acked.size() >= ackedAtKill + 100);
            stop.set(true);
            for (Thread t : threads) t.join(TimeUnit.SECONDS.toMillis(LocalCluster.WAIT_SECONDS));

            Set<Long> survivors = new java.util.TreeSet<>(Set.of(1L, 2L, 3L));
            survivors.remove(oldLeader);
            assertAllAcked(cluster, survivors, acked);
            cluster.restart(oldLeader);
            assertAllAcked(cluster, Set.of(oldLeader), acked);
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }

    private static void assertAllAcked(LocalCluster cluster, Set<Long> nodes, Set<String> acked) {
        for (long id : nodes) {
            LocalCluster.await("node " + id + " to hold all " + acked.size() + " acknowledged writes", () -> {
                for (String k : acked) {
                    if (cluster.storedValue(id, k.getBytes(UTF_8)) == null) return false;
                }
                return true;
            });
            for (String k : acked) assertArrayEquals(k.getBytes(UTF_8), cluster.storedValue(id, k.getBytes(UTF_8)));
        }
    }
}

package io.conclave.tests.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.rpc.GroupStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real node processes on 127.0.0.1, killed with SIGKILL at random moments while clients write.
 * What must hold afterwards: every acknowledged write is on every replica's disk, and every
 * replica applied the same log. Reproduce a schedule with {@code -Dprocess.seed=N}.
 */
final class ProcessKillTest {
    /** Unique keys written per run; each is one Raft proposal. */
    static final int PUTS = 1_500;
    static final int WRITERS = 4;
    /** Writers are paced so the writes span several kill/restart cycles even on a fast machine. */
    static final long MIN_MILLIS_PER_PUT = 8;
    static final long WRITE_CAP_MILLIS = 60_000;
    static final long CATCH_UP_TIMEOUT_MILLIS = 30_000;

    private ProcessCluster cluster;
    private ClusterKv client;

    @AfterEach
    void stopEverything() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void acknowledgedWritesSurviveKillNineWithOneGroup(@TempDir Path dir) throws Exception {
        killNineWhileWriting(dir, 1);
    }

    @Test
    void acknowledgedWritesSurviveKillNineWithFourGroups(@TempDir Path dir) throws Exception {
        killNineWhileWriting(dir, 4);
    }

    private void killNineWhileWriting(Path dir, int groups) throws Exception {
        long seed = seed();
        System.out.println("[process] groups=" + groups + " seed=" + seed + " (rerun with -Dprocess.seed=" + seed + ")");
        cluster = new ProcessCluster(dir, JvmSettings.forTests(), "kill9", 3, 3, List.of("--initial-ranges", Integer.toString(groups)));
        cluster.start(1, 2, 3);
        client = KvClientAdapter.connect(cluster);
        Nemesis nemesis = new Nemesis(cluster, List.of(1L, 2L, 3L), this::leaderOfGroupOne, seed);
        Thread nemesisThread = new Thread(nemesis, "nemesis");
        Map<String, String> attempted = new ConcurrentHashMap<>();
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger failed = new AtomicInteger();
        try {
            nemesisThread.start();
            write(seed, attempted, acknowledged, failed);
        } finally {
            nemesis.stop();
            nemesisThread.join(ProcessCluster.READY_TIMEOUT.toMillis() + 15_000);
        }
        String context = "seed=" + seed + ", groups=" + groups + ", nemesis:\n" + String.join("\n", nemesis.events());
        assertNull(nemesis.failure(), () -> "nemesis failed; " + context + "\n" + cluster.logTails(30));
        System.out.println("[process] acknowledged=" + acknowledged.size() + " failed=" + failed.get()
                + " kills=" + nemesis.kills());
        assertTrue(nemesis.kills() >= 1, () -> "the nemesis never killed a node; " + context);
        assertTrue(acknowledged.size() >= PUTS / 10, () -> "only " + acknowledged.size() + " of " + PUTS
                + " writes were acknowledged; " + context + "\n" + cluster.logTails(30));
        awaitCaughtUp(groups, context);
        client.close();
        client = null;
        cluster.killAllQuietly();
        checkReplicas(groups, List.of(1L, 2L, 3L), attempted, acknowledged, context);
    }

    /** WRITERS threads share PUTS unique keys; each records what was acknowledged. */
    private void write(long seed, Map<String, String> attempted, Map<String, String> acknowledged, AtomicInteger failed)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(WRITE_CAP_MILLIS);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            Thread t = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < PUTS && System.nanoTime() < deadline; i = next.getAndIncrement()) {
                    long notBefore = start + TimeUnit.MILLISECONDS.toNanos(i * MIN_MILLIS_PER_PUT);
                    sleepUntil(notBefore);
                    String key = String.format("key-%05d", i);
                    String value = "value-" + seed + "-" + i;
                    attempted.put(key, value);
                    try {
                        client.put(key, value);
                        acknowledged.put(key, value);
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        firstError.compareAndSet(null, e);
                    }
                }
            }, "writer-" + w);
            writers.add(t);
            t.start();
        }
        for (Thread t : writers) t.join(WRITE_CAP_MILLIS + 30_000);
        if (firstError.get() != null) System.out.println("[process] first failed put: " + firstError.get());
    }

    private void awaitCaughtUp(int groups, String context) throws Exception {
        CatchUp.await(client, cluster, cluster.nodes(), groups, CATCH_UP_TIMEOUT_MILLIS, context);
    }

    private void checkReplicas(int groups, List<Long> nodeIds, Map<String, String> attempted,
            Map<String, String> acknowledged, String context) {
        Map<Long, List<ReplicaCheck.GroupImage>> byGroup = new HashMap<>();
        AtomicLong entriesCompared = new AtomicLong();
        for (long g = 2; g <= groups + 1; g++) { // the user ranges; range 1 holds no test data
            List<ReplicaCheck.GroupImage> replicas = new ArrayList<>();
            for (long id : nodeIds) replicas.add(ReplicaCheck.read(id, cluster.node(id).storeDir(), g));
            assertNull(ReplicaCheck.compareLogs(replicas), () -> "logs differ; " + context);
            assertNull(ReplicaCheck.compareData(replicas), () -> "state differs; " + context);
            entriesCompared.addAndGet(replicas.get(0).appliedLog().size());
            byGroup.put(g, replicas);
        }
        List<String> missing = ReplicaCheck.missingAcknowledged(acknowledged, byGroup, groups, 20);
        assertEquals(List.of(), missing, () -> "acknowledged writes lost; " + context);
        assertEquals(List.of(), ReplicaCheck.unexpected(attempted, byGroup, 20), () -> "unexpected data; " + context);
        System.out.println("[process] checked " + acknowledged.size() + " acknowledged writes and "
                + entriesCompared.get() + " applied entries (all groups), identical on " + nodeIds.size() + " replicas");
    }

    /** The leader of group 1 as the first answering node reports it, or 0. */
    private long leaderOfGroupOne() {
        for (NodeProcess n : cluster.nodes()) {
            if (!n.isAlive()) continue;
            try {
                GroupStatus g = CatchUp.groupOn(client, n.address(), 1);
                if (g != null && g.getLeader() != 0) return g.getLeader();
            } catch (Exception e) {
                // try the next node
            }
        }
        return 0;
    }

    static long seed() {
        String fixed = System.getProperty("process.seed");
        return fixed != null ? Long.parseLong(fixed) : System.nanoTime() & 0xffff_ffffL;
    }

    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait <= 0) return;
        try {
            TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

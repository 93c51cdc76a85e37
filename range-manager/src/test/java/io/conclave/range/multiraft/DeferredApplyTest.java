package io.conclave.range.multiraft;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.rpc.RangeReply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cycles ride on a batch waiting behind the write in flight (writes are answered before the batch
 * that applies them is durable), and a read after an answered write still sees it.
 */
class DeferredApplyTest {
    @TempDir
    Path dir;

    @Test
    void everyReadAfterAnAnsweredWriteSeesItWhileAppliesRideOnLaterCommits() throws Exception {
        int clients = 8;
        int rounds = 60;
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults(), 2)) {
            // Each client writes to one node: the leaseholder of its range, once it served a write.
            long leader2 = cluster.awaitLeaseholder(2, "c-warm".getBytes(UTF_8));
            long leader3 = cluster.awaitLeaseholder(3, "\u0090-warm".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            List<String> problems = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                Thread t = new Thread(() -> {
                    try {
                        for (int i = 0; i < rounds && problems.isEmpty(); i++) {
                            // Clients alternate between the two user ranges (split at 0x81ff).
                            byte[] key = ((client % 2 == 0 ? "c" : "\u0090") + client + "-" + (i % 5)).getBytes(
                                    java.nio.charset.StandardCharsets.ISO_8859_1);
                            byte[] value = ("v" + i).getBytes(UTF_8);
                            long leader = client % 2 == 0 ? leader2 : leader3;
                            RangeReply put = cluster.put(leader, key, value);
                            if (!put.hasKvResponse()) {
                                problems.add("put refused: " + put);
                                return;
                            }
                            RangeReply get = cluster.get(leader, key);
                            if (!get.hasKvResponse() || !get.getKvResponse().getValue().toStringUtf8().equals("v" + i)) {
                                problems.add("client " + client + " wrote v" + i + " and then read " + get);
                            }
                        }
                    } catch (Exception e) {
                        problems.add("client " + client + ": " + e);
                    }
                }, "client-" + c);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) t.join(LocalCluster.WAIT_SECONDS * 1000);
            assertEquals(List.of(), problems);
            long deferred = 0;
            for (Scheduler s : cluster.schedulers.values()) deferred += s.stats().batchesDeferred();
            assertTrue(deferred > 0, "no cycle rode on a waiting batch: the test did not exercise the path");
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }
}

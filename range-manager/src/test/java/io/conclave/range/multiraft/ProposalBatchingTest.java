package io.conclave.range.multiraft;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.range.rpc.KvGet;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RangeReply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProposalBatchingTest {
    @TempDir
    Path dir;

    /** Writes queued while the leader is busy share entries; each is answered and applied everywhere. */
    @Test
    void writesArrivingTogetherShareOneEntry() throws Exception {
        int writes = 60;
        // A leaseholder that already served a write: under load the first leader may lose its
        // term before it takes the lease, and the burst would meet NOT_LEASEHOLDER.
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults())) {
            long leader = cluster.awaitLeaseholder(2, "warm-up".getBytes(UTF_8));
            Scheduler s = cluster.schedulers.get(leader);
            long entriesBefore = s.stats().entriesPersisted();
            // The burst arrives while the scheduler thread is busy: a read's answer, which runs on
            // that thread, waits until every write is queued. Left to thread timing, a loaded
            // machine descheduled this thread between submissions and the scheduler proposed
            // most writes alone (60 writes took 50 entries).
            CountDownLatch queued = new CountDownLatch(1);
            CompletableFuture<String> busyOn = new CompletableFuture<>();
            s.submitKv(KvRequest.newBuilder().setGet(KvGet.newBuilder()
                    .setKey(ByteString.copyFrom("warm-up".getBytes(UTF_8)))).build(), reply -> {
                busyOn.complete(Thread.currentThread().getName());
                try {
                    queued.await(LocalCluster.WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            String busyThread = busyOn.get(LocalCluster.WAIT_SECONDS, TimeUnit.SECONDS);
            List<CompletableFuture<RangeReply>> answers = new ArrayList<>();
            for (int i = 0; i < writes; i++) {
                CompletableFuture<RangeReply> f = new CompletableFuture<>();
                s.submitKv(KvRequest.newBuilder().setPut(KvPut.newBuilder()
                        .setKey(ByteString.copyFrom(("b" + i).getBytes(UTF_8)))
                        .setValue(ByteString.copyFrom(("v" + i).getBytes(UTF_8)))).build(), f::complete);
                answers.add(f);
            }
            queued.countDown();
            assertEquals("conclave-scheduler-n" + leader, busyThread, "the read is answered on the scheduler thread");
            for (CompletableFuture<RangeReply> f : answers) {
                RangeReply frame = f.get(LocalCluster.WAIT_SECONDS, TimeUnit.SECONDS);
                assertTrue(frame.hasKvResponse(), frame.toString());
            }
            long entries = s.stats().entriesPersisted() - entriesBefore;
            assertTrue(entries < writes / 2, writes + " writes submitted at once took " + entries + " entries");
            for (long id = 1; id <= 3; id++) {
                long node = id;
                LocalCluster.await("node " + node + " to apply the batch", () -> {
                    for (int i = 0; i < writes; i++) {
                        if (cluster.storedValue(node, ("b" + i).getBytes(UTF_8)) == null) return false;
                    }
                    return true;
                });
                for (int i = 0; i < writes; i++) {
                    assertArrayEquals(("v" + i).getBytes(UTF_8), cluster.storedValue(node, ("b" + i).getBytes(UTF_8)));
                }
            }
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }
}

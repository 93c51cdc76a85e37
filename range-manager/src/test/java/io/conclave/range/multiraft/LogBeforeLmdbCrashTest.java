package io.conclave.range.multiraft;

import io.conclave.range.rpc.KvIncrement;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RangeReply;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Raft acknowledgement waits for the node's log write only; the LMDB commit of what is
 * applied comes after. Every node crashes between the two (LMDB commits held at the gate, then
 * the store closed): after a restart, each acknowledged write is there, applied exactly once,
 * re-applied from the log above LMDB's durable applied index.
 */
class LogBeforeLmdbCrashTest {
    private static final long RANGE = 2;
    private static final int INCREMENTS = 12;
    private static final long ANSWER_SECONDS = 20;

    @TempDir
    Path dir;

    private static CompletableFuture<RangeReply> submit(LocalCluster cluster, long node, KvRequest req) {
        CompletableFuture<RangeReply> f = new CompletableFuture<>();
        cluster.schedulers.get(node).submitKv(req, f::complete);
        return f;
    }

    private static long decode(byte[] v) {
        return ByteBuffer.wrap(v).getLong();
    }

    @Test
    void writesAcknowledgedBeforeTheirLmdbCommitSurviveACrashAppliedExactlyOnce() throws Exception {
        byte[] counter = "counter".getBytes(UTF_8);
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults())) {
            long leader = cluster.awaitLeaseholder(RANGE, "warm".getBytes(UTF_8));
            for (long id : cluster.nodeIds()) cluster.gates.get(id).holdState();

            List<CompletableFuture<RangeReply>> answers = new ArrayList<>();
            for (int i = 0; i < INCREMENTS; i++) {
                answers.add(submit(cluster, leader, KvRequest.newBuilder().setIncrement(KvIncrement.newBuilder()
                        .setKey(ByteString.copyFrom(counter)).setDelta(1)).build()));
            }
            answers.add(submit(cluster, leader, KvRequest.newBuilder().setPut(KvPut.newBuilder()
                    .setKey(ByteString.copyFromUtf8("p")).setValue(ByteString.copyFromUtf8("v-p"))).build()));
            for (CompletableFuture<RangeReply> a : answers) {
                RangeReply reply = a.get(ANSWER_SECONDS, TimeUnit.SECONDS);
                assertTrue(reply.hasKvResponse(), "not acknowledged: " + reply);
            }
            long highest = 0;
            for (int i = 0; i < INCREMENTS; i++) {
                highest = Math.max(highest, decode(answers.get(i).get().getKvResponse().getValue().toByteArray()));
            }
            assertEquals(INCREMENTS, highest, "the increments' answers");
            // Acknowledged, yet in no node's LMDB: the crash below falls between the two writes.
            for (long id : cluster.nodeIds()) {
                assertNull(cluster.storedValue(id, counter), "node " + id + " committed LMDB while it was held");
                assertTrue(cluster.gates.get(id).statesArrived() > 0 || id != leader,
                        "the leader never reached an LMDB commit");
            }

            for (long id : cluster.nodeIds()) cluster.crashHoldingState(id);
            for (long id : cluster.nodeIds()) cluster.restart(id);

            for (long id : cluster.nodeIds()) {
                long node = id;
                LocalCluster.await("node " + node + " to apply the acknowledged increments again",
                        () -> cluster.storedValue(node, counter) != null
                                && decode(cluster.storedValue(node, counter)) >= INCREMENTS);
                LocalCluster.await("node " + node + " to apply the acknowledged put again",
                        () -> cluster.storedValue(node, "p".getBytes(UTF_8)) != null);
            }
            // A write through the new leader lands on the same counter: no increment twice, none lost.
            long now = cluster.awaitLeaseholder(RANGE, "warm".getBytes(UTF_8));
            RangeReply more = cluster.kv(now, KvRequest.newBuilder().setIncrement(KvIncrement.newBuilder()
                    .setKey(ByteString.copyFrom(counter)).setDelta(1)).build());
            assertTrue(more.hasKvResponse(), more.toString());
            assertEquals(INCREMENTS + 1, decode(more.getKvResponse().getValue().toByteArray()));
            for (long id : cluster.nodeIds()) {
                long node = id;
                LocalCluster.await("node " + node + " to apply the last increment",
                        () -> decode(cluster.storedValue(node, counter)) == INCREMENTS + 1);
                assertArrayEquals("v-p".getBytes(UTF_8), cluster.storedValue(node, "p".getBytes(UTF_8)));
            }
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }
}

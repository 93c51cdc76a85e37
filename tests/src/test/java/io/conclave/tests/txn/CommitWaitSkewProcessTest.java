package io.conclave.tests.txn;

import static io.conclave.tests.jepsen.KvKeys.keyIn;
import static io.conclave.tests.txn.TxnTests.longBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.Timestamp;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.txn.CommitResult;
import io.conclave.txn.Txn;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnRetryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strict serializability under clock skew: node 1's clock runs {@link #SKEW} ahead, node 2's
 * {@link #SKEW} behind (both within {@code --max-offset}, and their distance under the offset
 * guard's 80% line). A transaction commits through one node (its timestamps come from there);
 * once it is acknowledged, a new transaction begun through another node must see its writes. With
 * commit-wait the acknowledgement waits until the commit timestamp is below every clock, so the
 * new transaction's very first read timestamp is already above it (checked too), whether the
 * commit took one range (1PC) or two. Leases move between iterations. Replay with
 * {@code -Dtxn.seed=N}.
 */
final class CommitWaitSkewProcessTest {
    static final Duration MAX_OFFSET = Duration.ofMillis(250);
    static final Duration SKEW = Duration.ofMillis(90);
    static final int ITERATIONS = 40;
    static final long TIME_BOUND_MILLIS = 60_000;
    static final int ATTEMPTS = 5;

    private TxnTests.Rig rig;

    @AfterEach
    void stop() throws Exception {
        if (rig != null) rig.close();
    }

    @Test
    void aTransactionBegunAfterAnAcknowledgementSeesTheWriteOnAnySkewedNode(@TempDir Path dir) throws Exception {
        String maxOffset = MAX_OFFSET.toMillis() + "ms";
        Map<Long, List<String>> skews = Map.of(1L, List.of("--test-clock-offset=" + SKEW.toMillis() + "ms"),
                2L, List.of("--test-clock-offset=-" + SKEW.toMillis() + "ms"));
        rig = TxnTests.Rig.start(dir, "commit-wait", 2, List.of("--max-offset", maxOffset),
                id -> skews.getOrDefault(id, List.of()));
        long seed = rig.seed();
        RangeClient admin = rig.admin();
        List<RangeDescriptor> ranges = rig.ranges();
        byte[] a = keyIn(ranges.get(0), "/cw/a");
        byte[] b = keyIn(ranges.get(1), "/cw/b");

        Map<Long, TxnClient> viaNode = new LinkedHashMap<>();
        for (long node : rig.cluster().nodeIds()) {
            viaNode.put(node, rig.txnClientVia(node, seed + node, TxnTests.settingsBuilder(true).maxOffset(MAX_OFFSET).build()));
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Long> commitWaitMillis = new ArrayList<>();
        int onePhase = 0;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIME_BOUND_MILLIS);
        int iteration = 0;
        for (; iteration < ITERATIONS && System.nanoTime() < end; iteration++) {
            long writerNode = 1 + random.nextInt(3);
            long readerNode = 1 + (writerNode + random.nextInt(2)) % 3;
            boolean twoRanges = random.nextBoolean();
            if (random.nextInt(4) == 0) moveLease(admin, ranges.get(random.nextInt(ranges.size())), 1 + random.nextInt(3));
            long value = iteration + 1;
            CommitResult committed = write(viaNode.get(writerNode), twoRanges ? List.of(a, b) : List.of(a), value);
            commitWaitMillis.add(TimeUnit.NANOSECONDS.toMillis(committed.commitWaitNanos()));
            if (committed.onePhase()) onePhase++;

            Txn reader = viaNode.get(readerNode).begin();
            try {
                Timestamp firstReadTs = reader.readTimestamp();
                Optional<byte[]> seenA = reader.get(a);
                Optional<byte[]> seenB = twoRanges ? reader.get(b) : Optional.empty();
                String context = "iteration " + iteration + ": wrote " + value + " to " + (twoRanges ? "a, b" : "a")
                        + " through node " + writerNode + " at " + committed + "; read through node " + readerNode
                        + " beginning at " + firstReadTs + "; " + TxnTests.replay(seed);
                assertEquals(Long.toString(value), seenA.map(TxnTests::text).orElse("(absent)"), () -> "a: " + context);
                if (twoRanges) {
                    assertEquals(Long.toString(value), seenB.map(TxnTests::text).orElse("(absent)"), () -> "b: " + context);
                }
                assertTrue(firstReadTs.compareTo(committed.commitTs()) > 0,
                        () -> "the new transaction began below the acknowledged commit (commit-wait too short): " + context);
            } finally {
                reader.rollback();
            }
        }
        Collections.sort(commitWaitMillis);
        System.out.println("[commit-wait] " + iteration + " iterations, " + onePhase + " one-phase; commit-wait ms p50="
                + commitWaitMillis.get(commitWaitMillis.size() / 2) + " max=" + commitWaitMillis.get(commitWaitMillis.size() - 1));
        assertTrue(iteration >= 10, "only " + iteration + " iterations within the time bound; " + TxnTests.replay(seed));
    }

    /** Commits {@code value} at every key through {@code client}; retries a retryable failure a few times. */
    private static CommitResult write(TxnClient client, List<byte[]> keys, long value) {
        TxnRetryException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Txn txn = client.begin();
            try {
                for (byte[] key : keys) txn.put(key, longBytes(value));
                return txn.commit();
            } catch (TxnRetryException e) {
                last = e;
                txn.rollback();
            }
        }
        throw last;
    }

    private static void moveLease(RangeClient admin, RangeDescriptor range, long toNode) {
        try {
            admin.transferLease(range.getRangeId(), toNode);
        } catch (RuntimeException e) {
            System.out.println("[commit-wait] lease of range " + range.getRangeId() + " to node " + toNode
                    + " refused: " + e.getMessage());
        }
    }
}

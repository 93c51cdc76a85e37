package io.conclave.range.multiraft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.Keys;
import io.conclave.range.rpc.GroupStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status a leaseholder reports: descriptor, lease, size kept at apply, load, and a split suggestion. */
class RangeStatusTest {
    @TempDir
    Path dir;

    @Test
    void theLeaseholderReportsSizeLoadAndASplitKeyOnceTheRangeIsTooBig() throws Exception {
        SchedulerSettings settings = SchedulerSettings.defaults().withSplitThresholds(4_000, 1_000_000);
        try (LocalCluster cluster = new LocalCluster(dir, 3, settings, 1)) {
            cluster.awaitLeader(2);
            byte[] value = new byte[90];
            for (int i = 0; i < 30; i++) {
                assertTrue(SplitTest.send(cluster, SplitTest.put(key(i), value)).hasKvResponse());
            }
            long holder = LeaseTest.holder(cluster, 2);
            GroupStatus small = cluster.status(holder, 2);
            // Each write is a version: the key encoded (4 + 2 + 12 bytes) and a tag byte before the value.
            assertEquals(30 * VERSION_BYTES, small.getSizeBytes());
            assertTrue(small.getSuggestedSplitKey().isEmpty(), small.toString());
            assertTrue(small.getQps() > 0, small.toString());
            assertEquals(holder, small.getLease().getHolder());

            for (int i = 30; i < 60; i++) {
                assertTrue(SplitTest.send(cluster, SplitTest.put(key(i), value)).hasKvResponse());
            }
            // An overwrite adds a version (until GC), and the size counts it exactly.
            assertTrue(SplitTest.send(cluster, SplitTest.put(key(0), value)).hasKvResponse());
            GroupStatus big = cluster.status(holder, 2);
            assertEquals(61 * VERSION_BYTES, big.getSizeBytes());
            // About half the bytes: k029 counting key 0's second version, k030 if the status was
            // computed before that version's batch was committed (the key is read from the store).
            String splitKey = Keys.pretty(big.getSuggestedSplitKey().toByteArray());
            assertTrue(splitKey.equals("k029") || splitKey.equals("k030"), big.toString());
            assertTrue(big.getSuggestedSplitReason().startsWith("size"), big.getSuggestedSplitReason());

            // Every replica keeps the same size, and a restart computes it again from the store.
            for (long id : cluster.nodeIds()) {
                LocalCluster.await("node " + id + " to apply every write",
                        () -> cluster.status(id, 2).getSizeBytes() == big.getSizeBytes());
            }
            long follower = holder % 3 + 1;
            cluster.crash(follower);
            cluster.restart(follower);
            LocalCluster.await("the restarted node to report the size",
                    () -> cluster.status(follower, 2).getSizeBytes() == big.getSizeBytes());
            assertTrue(cluster.status(follower, 2).getSuggestedSplitKey().isEmpty(), "only the leaseholder suggests");
        }
    }

    private static final int VERSION_BYTES = 4 + 2 + 12 + 1 + 90;

    static byte[] key(int i) {
        return String.format("k%03d", i).getBytes(StandardCharsets.UTF_8);
    }
}

package io.conclave.tests.ranges;

import static io.conclave.tests.ranges.RangeTests.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.StatusRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Splits while a replica's node is down: when it comes back it learns of the new ranges from the
 * left range's log (or from snapshots if the left range's log moved on), and must end up with
 * every range and all of its data. Checked by moving every lease to that node and reading
 * everything there, since a leaseholder serves reads from its own store.
 */
final class SplitWithNodeDownProcessTest {
    static final int SPLITS = 10;
    static final int KEYS = 200;
    static final long DOWN_NODE = 3;
    static final long CATCH_UP_BOUND_MILLIS = 30_000;
    /**
     * Small, so the left ranges truncate their logs while the node is down: it then needs
     * snapshots, and the right ranges' snapshots overlap its stale left replica until that one
     * catches up (they must be refused, then retried).
     */
    static final int TRUNCATE_AFTER_ENTRIES = 15;

    private RangeTestCluster cluster;
    private RangeClient client;

    @AfterEach
    void stop() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void aNodeDownDuringSplitsComesBackWithEveryRangeAndItsData(@TempDir Path dir) throws Exception {
        long seed = RangeTests.seed();
        System.out.println("[split-down] seed=" + seed + " (rerun with -Dranges.seed=" + seed + ")");
        cluster = new RangeTestCluster(dir, "split-down", 3, 3, List.of("--initial-ranges", "1",
                "--log-truncate-entries", Integer.toString(TRUNCATE_AFTER_ENTRIES),
                "--maintenance", "false")); // no lease rebalancing: the leases stay where the test moves them
        cluster.start(1, 2, 3);
        client = cluster.client(RangeTestCluster.FAULT_TOLERANT_CLIENT, seed);
        Map<String, String> written = new TreeMap<>();
        for (int i = 0; i < KEYS / 2; i++) put(i, written);

        cluster.kill(DOWN_NODE);
        SplittableRandom random = new SplittableRandom(seed);
        List<Integer> points = SplitUnderLoadProcessTest.distinctInts(random, SPLITS, KEYS);
        for (int s = 0; s < SPLITS; s++) {
            client.split(utf8(SplitUnderLoadProcessTest.splitKey(points.get(s))));
            for (int i = KEYS / 2 + s * (KEYS / 2 / SPLITS); i < KEYS / 2 + (s + 1) * (KEYS / 2 / SPLITS); i++) {
                put(i, written);
            }
        }
        long restartedAt = System.nanoTime();
        cluster.node(DOWN_NODE).start();
        cluster.node(DOWN_NODE).awaitReady(RangeTestCluster.READY_TIMEOUT);

        List<RangeDescriptor> ranges = client.allRanges();
        assertEquals(2 + SPLITS, ranges.size(), "meta after the splits");
        String lag = awaitCaughtUp(ranges);
        if (lag != null) {
            fail("n" + DOWN_NODE + " did not catch up within " + CATCH_UP_BOUND_MILLIS + " ms: " + lag + "; seed=" + seed
                    + "\n" + cluster.logTails(30));
        }
        System.out.println("[split-down] n" + DOWN_NODE + " holds all " + ranges.size() + " ranges, caught up "
                + RangeTests.millisSince(restartedAt) + " ms after its restart");

        for (RangeDescriptor d : ranges) client.transferLease(d.getRangeId(), DOWN_NODE);
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> e : written.entrySet()) {
            Optional<byte[]> got = client.get(utf8(e.getKey()));
            if (!got.map(RangeTests::text).orElse("").equals(e.getValue())) wrong.add(e.getKey() + "=" + got.map(RangeTests::text));
        }
        Map<Long, Long> holders = new HashMap<>();
        for (RangeDescriptor d : ranges) holders.put(d.getRangeId(), client.leaseholderStatus(d.getRangeId()).getLease().getHolder());
        System.out.println("[split-down] leaseholders while reading back: " + holders);
        for (Map.Entry<Long, Long> h : holders.entrySet()) {
            assertEquals(DOWN_NODE, h.getValue(), "r" + h.getKey() + "'s leaseholder after the transfers; seed=" + seed);
        }
        assertEquals(List.of(), wrong.subList(0, Math.min(10, wrong.size())), () -> "read back; seed=" + seed);
    }

    private void put(int i, Map<String, String> written) {
        String key = SplitUnderLoadProcessTest.key(i);
        RangeTests.putOwnKey(client, utf8(key), utf8("v" + i));
        written.put(key, "v" + i);
    }

    /** Null once the restarted node lists every range with applied == the leaseholder's commit; else what lags. */
    private String awaitCaughtUp(List<RangeDescriptor> ranges) throws InterruptedException {
        Map<Long, Long> target = new HashMap<>();
        for (RangeDescriptor d : ranges) target.put(d.getRangeId(), client.leaseholderStatus(d.getRangeId()).getCommit());
        return RangeTests.awaitNoProblem(CATCH_UP_BOUND_MILLIS, 300, () -> {
            Map<Long, GroupStatus> mine = new HashMap<>();
            for (GroupStatus g : client.admin(cluster.address(DOWN_NODE),
                    AdminRequest.newBuilder().setStatus(StatusRequest.getDefaultInstance()).build()).getGroupsList()) {
                mine.put(g.getGroupId(), g);
            }
            for (Map.Entry<Long, Long> t : target.entrySet()) {
                GroupStatus g = mine.get(t.getKey());
                if (g == null || g.getApplied() < t.getValue()) {
                    return "r" + t.getKey() + (g == null ? " missing" : " applied " + g.getApplied() + " of " + t.getValue());
                }
            }
            return null;
        });
    }
}

package io.conclave.node.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.clock.proto.TimestampProto;
import io.conclave.range.Keys;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.Lease;
import io.conclave.range.rpc.NodeLiveness;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.TxnRecord;
import io.conclave.range.rpc.TxnStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The loop's MVCC garbage collection against a model cluster that pages through each range. */
class MaintenanceGcTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_764_000_000L * SECOND;

    /** Answers GC pages: {@code pagesPerRange} pages per round, recording each call. */
    static final class GcCluster implements ClusterOps {
        final List<String> calls = new ArrayList<>();
        /** What each page reports as abandoned, in order; then nothing. */
        final List<List<TxnRecord>> abandoned = new ArrayList<>();
        final List<String> finished = new ArrayList<>();
        final int pagesPerRange;
        int page;

        GcCluster(int pagesPerRange) {
            this.pagesPerRange = pagesPerRange;
        }

        @Override
        public GcPage mvccGc(byte[] startKey, Timestamp threshold, int maxKeys) {
            calls.add(Keys.pretty(startKey) + " @" + threshold.wallNanos() / SECOND);
            page++;
            List<TxnRecord> found = abandoned.isEmpty() ? List.of() : abandoned.remove(0);
            if (page % pagesPerRange == 0) return new GcPage(new byte[0], found);
            return new GcPage((new String(startKey) + "+").getBytes(), found);
        }

        @Override
        public void finishAbandonedCommit(TxnRecord record) {
            if (record.getIntentKeysCount() == 0) throw new IllegalStateException("unreachable range");
            finished.add(record.getIntentKeys(0).toStringUtf8());
        }

        @Override
        public List<NodeLiveness> liveness() {
            return List.of();
        }

        @Override
        public List<RangeDescriptor> allRanges() {
            return List.of();
        }

        @Override
        public List<RangeDescriptor> metaCovering(byte[] start, byte[] end) {
            return List.of();
        }

        @Override
        public boolean metaReplace(List<RangeDescriptor> descriptors) {
            return false;
        }

        @Override
        public void split(byte[] splitKey) {}

        @Override
        public void addReplica(long rangeId, long nodeId, String hostPort, boolean learner) {}

        @Override
        public void removeReplica(long rangeId, long nodeId) {}

        @Override
        public void transferLease(long rangeId, long toNode) {}

        @Override
        public AdminResponse nodeStatus(String hostPort) {
            return AdminResponse.getDefaultInstance();
        }
    }

    private static GroupStatus leased(long id, byte[] start, byte[] end, long expiresAt) {
        return GroupStatus.newBuilder().setGroupId(id).setLeader(1)
                .setRangeDescriptor(RangeDescriptor.newBuilder().setRangeId(id).setStartKey(ByteString.copyFrom(start))
                        .setEndKey(ByteString.copyFrom(end)))
                .setLease(Lease.newBuilder().setHolder(1).setExpiration(TimestampProto.newBuilder()
                        .setWallNanos(expiresAt)))
                .build();
    }

    @Test
    void leasedUserRangesAreCollectedOncePerIntervalPageByPageAtNowMinusTheTtl() {
        AtomicLong now = new AtomicLong(T0);
        GcCluster cluster = new GcCluster(3);
        MaintenanceSettings settings = MaintenanceSettings.defaults().withInterval(Duration.ofSeconds(1))
                .withEnabled(false, false, false).withGcTtl(Duration.ofHours(1)).withGcInterval(Duration.ofSeconds(10));
        List<GroupStatus> local = List.of(
                leased(1, Keys.KEY_MIN, Keys.USER_START, T0 + 3600 * SECOND),
                leased(2, "a".getBytes(), "m".getBytes(), T0 + 3600 * SECOND));
        try (MaintenanceLoop loop = new MaintenanceLoop(cluster, () -> local, 1, now::get, settings)) {
            loop.runPass(); // first sight: the first round comes one interval later
            assertEquals(List.of(), cluster.calls);
            now.addAndGet(5 * SECOND);
            loop.runPass();
            assertEquals(List.of(), cluster.calls);
            now.addAndGet(5 * SECOND);
            loop.runPass();
            long threshold = (T0 + 10 * SECOND - 3600 * SECOND) / SECOND;
            // Range 1 (meta and system keys) is never collected; range 2 to the end of its round.
            assertEquals(List.of("a @" + threshold, "a+ @" + threshold, "a++ @" + threshold), cluster.calls);
            assertEquals(3, loop.gcPages());
            now.addAndGet(5 * SECOND);
            loop.runPass();
            assertEquals(3, cluster.calls.size(), "not again before the interval");
        }
    }

    private static TxnRecord committed(String firstKey) {
        TxnRecord.Builder r = TxnRecord.newBuilder().setStatus(TxnStatus.COMMITTED)
                .setCommitTs(TimestampProto.newBuilder().setWallNanos(T0));
        if (!firstKey.isEmpty()) r.addIntentKeys(ByteString.copyFromUtf8(firstKey));
        return r.build();
    }

    @Test
    void abandonedCommitsAPageReportsAreFinishedABoundedNumberAPassAndAFailureIsCounted() {
        AtomicLong now = new AtomicLong(T0);
        GcCluster cluster = new GcCluster(3);
        List<TxnRecord> many = new ArrayList<>();
        for (int i = 0; i < MaintenanceLoop.MAX_ABANDONED_COMMITS_PER_PASS; i++) many.add(committed("m" + i));
        cluster.abandoned.add(List.of(committed("x"), committed(""), committed("y")));
        cluster.abandoned.add(many);
        cluster.abandoned.add(List.of(committed("over the bound")));
        MaintenanceSettings settings = MaintenanceSettings.defaults().withInterval(Duration.ofSeconds(1))
                .withEnabled(false, false, false).withGcTtl(Duration.ofHours(1)).withGcInterval(Duration.ofSeconds(10));
        List<GroupStatus> local = List.of(leased(2, "a".getBytes(), "m".getBytes(), T0 + 3600 * SECOND));
        try (MaintenanceLoop loop = new MaintenanceLoop(cluster, () -> local, 1, now::get, settings)) {
            loop.runPass();
            now.addAndGet(10 * SECOND);
            loop.runPass();
            assertEquals(3, loop.gcPages());
            // Tried: x, the unreachable one (a failure), y, then m0.. up to the bound; not the last page's.
            assertEquals(List.of("x", "y", "m0"), cluster.finished.subList(0, 3));
            assertEquals(MaintenanceLoop.MAX_ABANDONED_COMMITS_PER_PASS - 1, cluster.finished.size());
            assertFalse(cluster.finished.contains("over the bound"), "left for the range's next GC round");
            assertEquals(MaintenanceLoop.MAX_ABANDONED_COMMITS_PER_PASS - 1, loop.abandonedCommitsFinished());
            assertEquals(1, loop.stats().failures());
        }
    }

    @Test
    void theTtlIsValidatedAndImpliesTheInterval() {
        assertEquals(Duration.ofMinutes(150), MaintenanceSettings.gcIntervalFor(Duration.ofHours(25)));
        assertEquals(Duration.ofMinutes(1), MaintenanceSettings.gcIntervalFor(Duration.ofSeconds(30)));
        assertEquals(Duration.ofHours(25), MaintenanceSettings.defaults().gcTtl());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaintenanceSettings.defaults().withGcTtl(Duration.ofMillis(10)));
        assertTrue(e.getMessage().contains("--gc-ttl"), e.getMessage());
    }
}

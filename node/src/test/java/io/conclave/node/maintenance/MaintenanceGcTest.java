package io.conclave.node.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The loop's MVCC garbage collection against a model cluster that pages through each range. */
class MaintenanceGcTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_764_000_000L * SECOND;

    /** Answers GC pages: {@code pagesPerRange} pages per round, recording each call. */
    static final class GcCluster implements ClusterOps {
        final List<String> calls = new ArrayList<>();
        final int pagesPerRange;
        int page;

        GcCluster(int pagesPerRange) {
            this.pagesPerRange = pagesPerRange;
        }

        @Override
        public byte[] mvccGc(byte[] startKey, Timestamp threshold, int maxKeys) {
            calls.add(Keys.pretty(startKey) + " @" + threshold.wallNanos() / SECOND);
            page++;
            if (page % pagesPerRange == 0) return new byte[0];
            return (new String(startKey) + "+").getBytes();
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
        public Optional<RangeDescriptor> metaRecord(byte[] rangeEndKey) {
            return Optional.empty();
        }

        @Override
        public void metaUpdate(RangeDescriptor descriptor) {}

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

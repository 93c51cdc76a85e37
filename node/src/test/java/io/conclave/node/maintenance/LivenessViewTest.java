package io.conclave.node.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.conclave.clock.proto.TimestampProto;
import io.conclave.range.allocator.NodeState.Health;
import io.conclave.range.rpc.NodeLiveness;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LivenessViewTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_764_000_000L * SECOND;
    private static final long DEAD_AFTER = 60 * SECOND;

    private static NodeLiveness record(long node, long expirationNanos) {
        return NodeLiveness.newBuilder().setNodeId(node).setAddress("h" + node + ":1")
                .setExpiration(TimestampProto.newBuilder().setWallNanos(expirationNanos)).build();
    }

    @Test
    void liveSuspectAndDeadByExpirationOnceTheViewSettled() {
        LivenessView view = new LivenessView(1);
        long now = T0;
        List<NodeLiveness> records = List.of(record(1, now + 9 * SECOND), record(2, now + SECOND),
                record(3, now - 10 * SECOND), record(4, now - 61 * SECOND));
        // First sight of our own record: nobody is dead yet.
        assertEquals(Map.of(1L, Health.LIVE, 2L, Health.LIVE, 3L, Health.SUSPECT, 4L, Health.SUSPECT),
                view.update(records, Set.of(), now, DEAD_AFTER));
        now += LivenessView.SETTLE_NANOS;
        records = List.of(record(1, now + 9 * SECOND), record(2, now + SECOND),
                record(3, now - 10 * SECOND), record(4, now - 61 * SECOND));
        assertEquals(Map.of(1L, Health.LIVE, 2L, Health.LIVE, 3L, Health.SUSPECT, 4L, Health.DEAD),
                view.update(records, Set.of(), now, DEAD_AFTER));
    }

    @Test
    void whileOurOwnRecordIsExpiredNobodyIsDead() {
        LivenessView view = new LivenessView(1);
        long now = T0;
        for (int pass = 0; pass < 20; pass++, now += 5 * SECOND) {
            Map<Long, Health> h = view.update(List.of(record(1, now - SECOND), record(2, now - 600 * SECOND)),
                    Set.of(2L), now, DEAD_AFTER);
            assertEquals(Health.SUSPECT, h.get(2L), "pass " + pass);
            assertEquals(Health.LIVE, h.get(1L), "this node runs, so it is live to itself");
        }
    }

    @Test
    void aReferencedNodeWithoutARecordDiesAfterDeadAfter() {
        LivenessView view = new LivenessView(1);
        long now = T0;
        assertEquals(Health.SUSPECT, view.update(List.of(record(1, now + 9 * SECOND)), Set.of(7L), now, DEAD_AFTER).get(7L));
        now += DEAD_AFTER - SECOND;
        assertEquals(Health.SUSPECT, view.update(List.of(record(1, now + 9 * SECOND)), Set.of(7L), now, DEAD_AFTER).get(7L));
        now += SECOND;
        assertEquals(Health.DEAD, view.update(List.of(record(1, now + 9 * SECOND)), Set.of(7L), now, DEAD_AFTER).get(7L));
        // A record appears: its own expiration decides from now on.
        assertEquals(Health.LIVE, view.update(List.of(record(1, now + 9 * SECOND), record(7, now + SECOND)),
                Set.of(7L), now, DEAD_AFTER).get(7L));
    }

    @Test
    void aFailedReadRestartsTheSettling() {
        LivenessView view = new LivenessView(1);
        long now = T0;
        view.update(List.of(record(1, now + 9 * SECOND)), Set.of(), now, DEAD_AFTER);
        now += LivenessView.SETTLE_NANOS;
        view.reset();
        Map<Long, Health> h = view.update(List.of(record(1, now + 9 * SECOND), record(2, now - 600 * SECOND)),
                Set.of(), now, DEAD_AFTER);
        assertEquals(Health.SUSPECT, h.get(2L));
    }
}

package io.conclave.node.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.clock.proto.TimestampProto;
import io.conclave.range.Keys;
import io.conclave.range.MetaRecords;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.Lease;
import io.conclave.range.rpc.NodeLiveness;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.ReplicaDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The loop against a model of the cluster (what it reads and the calls it makes); the decisions
 * themselves are the allocator's, tested in range-manager. Time is a counter.
 */
class MaintenanceLoopTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_764_000_000L * SECOND;

    /** The cluster as the loop sees it, recording what the loop asks of it. */
    static final class ModelCluster implements ClusterOps {
        final List<NodeLiveness> liveness = new ArrayList<>();
        /** Meta's records of the user ranges, by end key (the model starts at USER_START). */
        final NavigableMap<byte[], RangeDescriptor> meta = new TreeMap<>(Arrays::compareUnsigned);
        final Map<String, AdminResponse> nodeStatus = new HashMap<>();
        final List<String> calls = new CopyOnWriteArrayList<>();
        RuntimeException failEverything;

        private void call(String what) {
            calls.add(what);
            if (failEverything != null) throw failEverything;
        }

        @Override
        public List<NodeLiveness> liveness() {
            call("liveness");
            return liveness;
        }

        @Override
        public List<RangeDescriptor> allRanges() {
            call("allRanges");
            return new ArrayList<>(meta.values());
        }

        @Override
        public List<RangeDescriptor> metaCovering(byte[] start, byte[] end) {
            call("metaCovering " + Keys.pretty(start));
            List<RangeDescriptor> out = new ArrayList<>();
            for (RangeDescriptor r : meta.tailMap(start, false).values()) {
                out.add(r);
                if (Keys.compare(r.getEndKey().toByteArray(), end) >= 0) break;
            }
            return out;
        }

        /** Range 1's rule (MetaRecords) over the model's records. */
        @Override
        public boolean metaReplace(List<RangeDescriptor> update) {
            StringBuilder what = new StringBuilder("metaReplace");
            for (RangeDescriptor d : update) what.append(" r").append(d.getRangeId()).append(" g").append(d.getGeneration());
            call(what.toString());
            byte[] s = MetaRecords.start(update);
            byte[] e = MetaRecords.end(update);
            List<RangeDescriptor> displaced = new ArrayList<>(meta.subMap(s, false, e, true).values());
            boolean startIsBoundary = Arrays.equals(s, Keys.USER_START) || meta.containsKey(s);
            if (MetaRecords.refusal(update, startIsBoundary, displaced) != null) return false;
            meta.subMap(s, false, e, true).clear();
            for (RangeDescriptor d : update) meta.put(d.getEndKey().toByteArray(), d);
            return true;
        }

        @Override
        public void split(byte[] splitKey) {
            call("split " + Keys.pretty(splitKey));
        }

        @Override
        public void addReplica(long rangeId, long nodeId, String hostPort, boolean learner) {
            call("add r" + rangeId + " n" + nodeId + (learner ? " learner" : " voter") + " @" + hostPort);
        }

        @Override
        public void removeReplica(long rangeId, long nodeId) {
            call("remove r" + rangeId + " n" + nodeId);
        }

        @Override
        public void transferLease(long rangeId, long toNode) {
            call("transfer r" + rangeId + " n" + toNode);
        }

        @Override
        public AdminResponse nodeStatus(String hostPort) {
            call("status " + hostPort);
            AdminResponse r = nodeStatus.get(hostPort);
            if (r == null) throw new IllegalStateException("no route to " + hostPort);
            return r;
        }
    }

    private final AtomicLong now = new AtomicLong(T0);
    private final ModelCluster cluster = new ModelCluster();
    private final List<GroupStatus> local = new CopyOnWriteArrayList<>();
    private final MaintenanceSettings settings = MaintenanceSettings.defaults().withDeadAfter(Duration.ofSeconds(30))
            .withCountsRefresh(Duration.ZERO);

    private MaintenanceLoop loop(MaintenanceSettings s) {
        return new MaintenanceLoop(cluster, () -> List.copyOf(local), 1, now::get, s);
    }

    private static byte[] key(String s) {
        return s.getBytes();
    }

    private static RangeDescriptor desc(long id, String start, String end, long generation, long... voters) {
        RangeDescriptor.Builder b = RangeDescriptor.newBuilder().setRangeId(id)
                .setStartKey(ByteString.copyFrom(start.isEmpty() ? Keys.USER_START : key(start)))
                .setEndKey(ByteString.copyFrom(end.isEmpty() ? Keys.KEY_MAX : key(end))).setGeneration(generation);
        for (long v : voters) b.addReplicas(ReplicaDescriptor.newBuilder().setNodeId(v));
        return b.build();
    }

    private GroupStatus leased(RangeDescriptor d, long holder) {
        GroupStatus.Builder g = GroupStatus.newBuilder().setGroupId(d.getRangeId()).setLeader(holder).setCommit(100)
                .setApplied(100).setRangeDescriptor(d)
                .setLease(Lease.newBuilder().setHolder(holder).setSequence(1)
                        .setExpiration(TimestampProto.newBuilder().setWallNanos(now.get() + 9 * SECOND)));
        for (ReplicaDescriptor r : d.getReplicasList()) {
            if (r.getLearner()) g.addLearners(r.getNodeId()); else g.addVoters(r.getNodeId());
        }
        return g.build();
    }

    private void live(long node, long expiresInNanos) {
        cluster.liveness.removeIf(l -> l.getNodeId() == node);
        cluster.liveness.add(NodeLiveness.newBuilder().setNodeId(node).setAddress("h" + node + ":1")
                .setExpiration(TimestampProto.newBuilder().setWallNanos(now.get() + expiresInNanos)).build());
    }

    private List<String> callsStartingWith(String prefix) {
        return cluster.calls.stream().filter(c -> c.startsWith(prefix)).toList();
    }

    private void metaHas(RangeDescriptor... records) {
        for (RangeDescriptor d : records) cluster.meta.put(d.getEndKey().toByteArray(), d);
    }

    @Test
    void metaRecordOfALowerGenerationIsRepairedOnceAndThenTrusted() {
        RangeDescriptor d = desc(2, "", "", 3, 1);
        metaHas(desc(2, "", "", 2, 1));
        local.add(leased(d, 1));
        MaintenanceLoop loop = loop(settings.withEnabled(true, false, false));
        loop.runPass();
        assertEquals(List.of("metaReplace r2 g3"), callsStartingWith("metaReplace"));
        cluster.calls.clear();
        loop.runPass();
        assertEquals(List.of(), cluster.calls, "a checked range costs nothing");
        assertEquals(1, loop.stats().metaRepairs());
    }

    @Test
    void olderMetaRecordIsRewrittenAndNewerOneLeftAlone() {
        local.add(leased(desc(2, "", "m", 5, 1), 1));
        local.add(leased(desc(3, "m", "", 5, 1), 1));
        metaHas(desc(2, "", "m", 7, 1), desc(3, "m", "", 4, 1)); // r2's is newer than the leaseholder's: left alone
        loop(settings.withEnabled(true, false, false)).runPass();
        assertEquals(List.of("metaReplace r3 g5"), callsStartingWith("metaReplace"));
    }

    @Test
    void aLostSplitMetaUpdateIsRepairedWithBothHalvesInOneUpdate() {
        // Meta still holds the range before its split at m; this node holds both halves.
        metaHas(desc(2, "", "", 4, 1));
        local.add(leased(desc(2, "", "m", 5, 1), 1));
        local.add(leased(desc(7, "m", "", 5, 1), 2));
        loop(settings.withEnabled(true, false, false)).runPass();
        assertEquals(List.of("metaReplace r2 g5 r7 g5"), callsStartingWith("metaReplace"));
        assertEquals(List.of(desc(2, "", "m", 5, 1), desc(7, "m", "", 5, 1)), List.copyOf(cluster.meta.values()));
    }

    @Test
    void aRepairLackingTheOtherHalfAsksTheOtherNodesOnce() {
        metaHas(desc(2, "", "", 4, 1));
        local.add(leased(desc(2, "", "m", 5, 1), 1));
        live(1, 10 * SECOND);
        live(2, 10 * SECOND);
        cluster.nodeStatus.put("h2:1", AdminResponse.newBuilder()
                .addGroups(leased(desc(7, "m", "t", 6, 2), 2)).addGroups(leased(desc(8, "t", "", 6, 2), 2)).build());
        loop(settings.withEnabled(true, false, false)).runPass();
        assertEquals(List.of("status h2:1"), callsStartingWith("status"));
        assertEquals(List.of("metaReplace r2 g5 r7 g6 r8 g6"), callsStartingWith("metaReplace"));

        // Nobody knows the rest of the span: nothing is written, and the next pass tries again.
        cluster.meta.clear();
        cluster.calls.clear();
        metaHas(desc(2, "", "", 4, 1));
        cluster.nodeStatus.put("h2:1", AdminResponse.getDefaultInstance());
        MaintenanceLoop loop = loop(settings.withEnabled(true, false, false));
        loop.runPass();
        loop.runPass();
        assertEquals(List.of(), callsStartingWith("metaReplace"));
        assertEquals(2, callsStartingWith("metaCovering").size(), "an unrepaired range is not marked checked");
        assertEquals(List.of(desc(2, "", "", 4, 1)), List.copyOf(cluster.meta.values()));
    }

    @Test
    void manyUncheckedRangesAreCheckedWithOneScanOfMeta() {
        for (int i = 0; i < 100; i++) {
            RangeDescriptor d = desc(10 + i, i == 0 ? "" : String.format("k%03d", i),
                    i == 99 ? "" : String.format("k%03d", i + 1), 1, 1);
            local.add(leased(d, 1));
            metaHas(i % 10 != 0 ? d : d.toBuilder().setGeneration(0).build());
        }
        loop(settings.withEnabled(true, false, false)).runPass();
        assertEquals(1, callsStartingWith("allRanges").size());
        assertEquals(0, callsStartingWith("metaCovering").size());
        assertEquals(10, callsStartingWith("metaReplace").size());
    }

    @Test
    void caretakerIsTheValidLeaseholderElseTheRaftLeader() {
        // Leased elsewhere (valid): not ours, even though we lead.
        local.add(leased(desc(2, "", "d", 1, 1, 2), 2).toBuilder().setLeader(1).build());
        // Our lease expired and node 2 leads: not ours.
        local.add(leased(desc(3, "d", "h", 1, 1, 2), 1).toBuilder().setLeader(2)
                .setLease(Lease.newBuilder().setHolder(1).setExpiration(TimestampProto.newBuilder().setWallNanos(T0 - 1)))
                .build());
        // Node 2's lease lapsed (idle range) and we lead: ours.
        local.add(leased(desc(4, "h", "m", 1, 1, 2), 2).toBuilder().setLeader(1)
                .setLease(Lease.newBuilder().setHolder(2).setExpiration(TimestampProto.newBuilder().setWallNanos(T0 - 1)))
                .build());
        // No lease yet and we lead: ours.
        local.add(leased(desc(5, "m", "", 1, 1, 2), 1).toBuilder().clearLease().build());
        loop(settings.withEnabled(true, false, false)).runPass();
        assertEquals(List.of("metaCovering h", "metaCovering m"), callsStartingWith("metaCovering"));
    }

    @Test
    void suggestedSplitIsTakenOnlyAboveAThresholdAndInsideTheSpan() {
        GroupStatus big = leased(desc(2, "", "m", 1, 1), 1).toBuilder().setSizeBytes(100L << 20)
                .setSuggestedSplitKey(ByteString.copyFrom(key("f"))).build();
        GroupStatus small = leased(desc(3, "m", "t", 1, 1), 1).toBuilder().setSizeBytes(1 << 20)
                .setSuggestedSplitKey(ByteString.copyFrom(key("p"))).build();
        GroupStatus busyStale = leased(desc(4, "t", "", 1, 1), 1).toBuilder().setQps(10_000)
                .setSuggestedSplitKey(ByteString.copyFrom(key("c"))).build(); // outside [t, max)
        GroupStatus busy = leased(desc(5, "", "", 1, 1), 1).toBuilder().setGroupId(5).setQps(10_000)
                .setSuggestedSplitKey(ByteString.copyFrom(key("x"))).build();
        local.addAll(List.of(big, small, busyStale, busy));
        MaintenanceLoop loop = loop(settings.withEnabled(false, true, false));
        loop.runPass();
        assertEquals(List.of("split f", "split x"), cluster.calls);
        assertEquals(2, loop.stats().splits());
    }

    @Test
    void metaRangeAndBoundaryKeysAreNeverSplitKeys() {
        RangeDescriptor meta = RangeDescriptor.newBuilder().setRangeId(1).setStartKey(ByteString.EMPTY)
                .setEndKey(ByteString.copyFrom(Keys.USER_START)).build();
        assertTrue(!MaintenanceLoop.splittableAt(meta, new byte[] {0x03, 'x'}));
        RangeDescriptor d = desc(2, "b", "m", 1, 1);
        assertTrue(!MaintenanceLoop.splittableAt(d, key("b")));
        assertTrue(!MaintenanceLoop.splittableAt(d, key("m")));
        assertTrue(MaintenanceLoop.splittableAt(d, key("c")));
    }

    @Test
    void underReplicatedRangeGetsALearnerThenPromotesItWhenCaughtUp() {
        live(1, 9 * SECOND);
        live(2, 9 * SECOND);
        live(3, 9 * SECOND);
        local.add(leased(desc(2, "", "", 1, 1), 1));
        MaintenanceLoop loop = loop(settings.withEnabled(false, false, true));
        loop.runPass();
        assertEquals(1, callsStartingWith("add ").size(), cluster.calls.toString());
        String add = callsStartingWith("add ").get(0);
        assertTrue(add.matches("add r2 n[23] learner @h[23]:1"), add);
        long learner = add.contains("n2") ? 2 : 3;

        // The learner is in the configuration but behind: the loop waits.
        local.clear();
        RangeDescriptor withLearner = desc(2, "", "", 2, 1).toBuilder()
                .addReplicas(ReplicaDescriptor.newBuilder().setNodeId(learner).setLearner(true)).build();
        local.add(leased(withLearner, 1));
        cluster.nodeStatus.put("h" + learner + ":1", AdminResponse.newBuilder()
                .addGroups(GroupStatus.newBuilder().setGroupId(2).setApplied(40)).build());
        cluster.calls.clear();
        loop.runPass();
        assertEquals(List.of(), callsStartingWith("add "));

        // Caught up: promoted.
        cluster.nodeStatus.put("h" + learner + ":1", AdminResponse.newBuilder()
                .addGroups(GroupStatus.newBuilder().setGroupId(2).setApplied(100)).build());
        loop.runPass();
        assertEquals(List.of("add r2 n" + learner + " voter @h" + learner + ":1"), callsStartingWith("add "));
    }

    @Test
    void replicaOnANodeDeadLongerThanDeadAfterIsReplaced() {
        live(1, 9 * SECOND);
        live(2, 9 * SECOND);
        live(3, -10 * SECOND); // expired 10 s ago: suspect
        live(4, 9 * SECOND);
        local.add(leased(desc(2, "", "", 1, 1, 2, 3), 1));
        MaintenanceLoop loop = loop(settings.withEnabled(false, false, true));
        loop.runPass();
        assertEquals(List.of(), callsStartingWith("add "), "a suspect node's replicas are left alone");
        now.addAndGet(25 * SECOND); // expired 35 s ago, dead-after is 30 s
        live(1, 9 * SECOND);
        live(2, 9 * SECOND);
        live(4, 9 * SECOND);
        local.clear();
        local.add(leased(desc(2, "", "", 1, 1, 2, 3), 1));
        loop.runPass();
        assertEquals(List.of("add r2 n4 learner @h4:1"), callsStartingWith("add "));
    }

    @Test
    void leasesMoveOffAnOverloadedNodeButIdleRangesAreNotWoken() {
        for (long n = 1; n <= 3; n++) live(n, 9 * SECOND);
        AdminResponse.Builder peerStatus = AdminResponse.newBuilder();
        for (int i = 0; i < 6; i++) {
            RangeDescriptor d = desc(10 + i, String.format("k%d", i), String.format("k%d", i + 1), 1, 1, 2, 3);
            local.add(leased(d, 1));
            peerStatus.addGroups(GroupStatus.newBuilder().setGroupId(10 + i));
        }
        cluster.nodeStatus.put("h2:1", peerStatus.build());
        cluster.nodeStatus.put("h3:1", peerStatus.build());
        MaintenanceLoop loop = loop(settings.withEnabled(false, false, true));
        loop.runPass();
        // 6, 0, 0 leases: moves until node 1 is within one of the mean (2).
        assertEquals(List.of("transfer r10 n2", "transfer r11 n3", "transfer r12 n2"), callsStartingWith("transfer"));

        cluster.calls.clear();
        List<GroupStatus> lapsed = local.stream().map(g -> g.toBuilder().setLease(g.getLease().toBuilder()
                .setExpiration(TimestampProto.newBuilder().setWallNanos(T0 - 1))).build()).toList();
        local.clear();
        local.addAll(lapsed);
        loop(settings.withEnabled(false, false, true)).runPass();
        assertEquals(List.of(), callsStartingWith("transfer"), "idle ranges keep their lapsed leases");
    }

    @Test
    void aLearnerWhoseNodeNeverCreatesTheReplicaIsRemovedAndThatNodeAvoided() {
        RangeDescriptor withLearner = desc(2, "", "", 4, 1, 2, 3).toBuilder()
                .addReplicas(ReplicaDescriptor.newBuilder().setNodeId(4).setLearner(true)).build();
        MaintenanceLoop loop = loop(settings.withEnabled(false, false, true));
        for (int pass = 0; pass < 3; pass++) {
            for (long n : new long[] {1, 2, 4, 5}) live(n, 9 * SECOND);
            live(3, -600 * SECOND);
            cluster.nodeStatus.put("h4:1", AdminResponse.newBuilder()
                    .addGroups(GroupStatus.newBuilder().setGroupId(99)).build()); // answers, but has no r2
            local.clear();
            local.add(leased(withLearner, 1));
            loop.runPass();
            if (pass < 2) now.addAndGet(8 * SECOND);
        }
        assertEquals(List.of("remove r2 n4"), callsStartingWith("remove"));
        // With the learner gone, the dead voter's replacement goes elsewhere.
        local.clear();
        local.add(leased(desc(2, "", "", 5, 1, 2, 3), 1));
        loop.runPass();
        assertEquals(List.of("add r2 n5 learner @h5:1"), callsStartingWith("add "));
    }

    @Test
    void failuresAreCountedAndTheLoopGoesOn() {
        live(1, 9 * SECOND);
        live(2, 9 * SECOND);
        local.add(leased(desc(2, "", "", 1, 1), 1));
        metaHas(desc(2, "", "", 0, 1));
        MaintenanceLoop loop = loop(settings);
        cluster.failEverything = new IllegalStateException("node unreachable");
        loop.runPass(); // meta repair fails per range; liveness fails the allocation step
        assertTrue(loop.stats().failures() >= 1);
        cluster.failEverything = null;
        loop.runPass();
        assertTrue(loop.stats().metaRepairs() == 1 && loop.stats().changes() == 1, loop.stats().toString());
    }

    @Test
    void theThreadRunsPassesUntilClosed() throws Exception {
        live(1, 9 * SECOND);
        local.add(leased(desc(2, "", "", 1, 1), 1));
        MaintenanceLoop loop = loop(settings.withInterval(Duration.ofMillis(20)));
        loop.start();
        long deadline = System.nanoTime() + 10 * SECOND;
        while (loop.stats().passes() < 3 && System.nanoTime() < deadline) Thread.sleep(10);
        loop.close();
        long passes = loop.stats().passes();
        assertTrue(passes >= 3, "passes " + passes);
        Thread.sleep(100);
        assertEquals(passes, loop.stats().passes(), "no pass after close");
    }

    @Test
    void settingsAreValidatedWithClearMessages() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> MaintenanceSettings.defaults().withReplicationFactor(4));
        assertTrue(e.getMessage().contains("1, 3 or 5"), e.getMessage());
    }
}

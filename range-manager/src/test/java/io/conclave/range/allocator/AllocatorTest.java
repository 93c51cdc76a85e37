package io.conclave.range.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.allocator.NodeState.Health;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AllocatorTest {
    private static final long MINUTE = 60_000_000_000L;
    private final Allocator allocator = new Allocator(new AllocatorSettings(3, 5 * MINUTE));

    private static Map<Long, NodeState> nodes(NodeState... states) {
        Map<Long, NodeState> m = new HashMap<>();
        for (NodeState s : states) m.put(s.nodeId(), s);
        return m;
    }

    private static NodeState live(long id, int replicas) {
        return new NodeState(id, Health.LIVE, replicas, 0);
    }

    private static NodeState live(long id, int replicas, int leases) {
        return new NodeState(id, Health.LIVE, replicas, leases);
    }

    private static RangeState range(long id, Set<Long> voters, Set<Long> learners, long leaseholder) {
        return new RangeState(id, voters, learners, leaseholder, Set.of(), Map.of());
    }

    @Test
    void underReplicatedRangeGetsALearnerOnTheLeastLoadedNode() {
        Optional<Action> a = allocator.decide(range(2, Set.of(1L), Set.of(), 1),
                nodes(live(1, 5), live(2, 7), live(3, 4), new NodeState(4, Health.SUSPECT, 0, 0)));
        assertEquals(new Action.AddLearner(3, a.orElseThrow().reason()), a.get());
    }

    @Test
    void caughtUpLearnerIsPromotedOthersAreWaitedForThenRemoved() {
        Map<Long, NodeState> n = nodes(live(1, 1), live(2, 1), live(3, 0));
        RangeState caughtUp = new RangeState(2, Set.of(1L, 2L), Set.of(3L), 1, Set.of(3L), Map.of());
        assertInstanceOf(Action.PromoteLearner.class, allocator.decide(caughtUp, n).orElseThrow());
        RangeState young = new RangeState(2, Set.of(1L, 2L), Set.of(3L), 1, Set.of(), Map.of(3L, MINUTE));
        assertTrue(allocator.decide(young, n).isEmpty(), "a learner catching up is waited for");
        RangeState stuck = new RangeState(2, Set.of(1L, 2L), Set.of(3L), 1, Set.of(), Map.of(3L, 6 * MINUTE));
        assertEquals(new Action.RemoveReplica(3, ""), withoutReason(allocator.decide(stuck, n)));
    }

    @Test
    void learnerOnANodeThatWentDownIsRemoved() {
        Map<Long, NodeState> n = nodes(live(1, 1), live(2, 1), new NodeState(3, Health.SUSPECT, 1, 0));
        RangeState r = new RangeState(2, Set.of(1L, 2L), Set.of(3L), 1, Set.of(3L), Map.of());
        assertEquals(new Action.RemoveReplica(3, ""), withoutReason(allocator.decide(r, n)));
    }

    @Test
    void deadVoterIsReplacedFirstThenRemoved() {
        NodeState dead = new NodeState(3, Health.DEAD, 2, 0);
        Map<Long, NodeState> n = nodes(live(1, 2), live(2, 2), dead, live(4, 0));
        assertEquals(new Action.AddLearner(4, ""),
                withoutReason(allocator.decide(range(2, Set.of(1L, 2L, 3L), Set.of(), 1), n)));
        // After the promotion: four voters, one dead: the dead one goes.
        assertEquals(new Action.RemoveReplica(3, ""),
                withoutReason(allocator.decide(range(2, Set.of(1L, 2L, 3L, 4L), Set.of(), 1), n)));
    }

    @Test
    void aNodeThatRefusesTheRangeLosesItsLearnerAndGetsNoOther() {
        Map<Long, NodeState> n = nodes(live(1, 2), live(2, 2), new NodeState(3, Health.DEAD, 2, 0), live(4, 0), live(5, 1));
        RangeState refusing = new RangeState(2, Set.of(1L, 2L, 3L), Set.of(4L), 1, Set.of(), Map.of(), Set.of(4L));
        assertEquals(new Action.RemoveReplica(4, ""), withoutReason(allocator.decide(refusing, n)));
        RangeState after = new RangeState(2, Set.of(1L, 2L, 3L), Set.of(), 1, Set.of(), Map.of(), Set.of(4L));
        assertEquals(new Action.AddLearner(5, ""), withoutReason(allocator.decide(after, n)));
    }

    @Test
    void deadVoterWithNowhereToGoIsKept() {
        Map<Long, NodeState> n = nodes(live(1, 2), live(2, 2), new NodeState(3, Health.DEAD, 2, 0));
        assertTrue(allocator.decide(range(2, Set.of(1L, 2L, 3L), Set.of(), 1), n).isEmpty());
    }

    @Test
    void suspectVoterIsNotReplacedYet() {
        Map<Long, NodeState> n = nodes(live(1, 2), live(2, 2), new NodeState(3, Health.SUSPECT, 2, 0), live(4, 0));
        assertTrue(allocator.decide(range(2, Set.of(1L, 2L, 3L), Set.of(), 1), n).isEmpty());
    }

    @Test
    void unknownNodeCountsAsSuspect() {
        Map<Long, NodeState> n = nodes(live(1, 2), live(2, 2), live(4, 0));
        assertTrue(allocator.decide(range(2, Set.of(1L, 2L, 3L), Set.of(), 1), n).isEmpty());
    }

    @Test
    void leaseholderNeverRemovesItselfItHandsOffItsLeaseFirst() {
        Map<Long, NodeState> n = nodes(live(1, 9, 5), live(2, 3, 1), live(3, 3, 0), live(4, 3, 2));
        Action a = allocator.decide(range(2, Set.of(1L, 2L, 3L, 4L), Set.of(), 1), n).orElseThrow();
        assertEquals(new Action.TransferLease(3, ""), withoutReason(a));
        // Once node 3 holds the lease, node 1 (the most loaded) is removed.
        assertEquals(new Action.RemoveReplica(1, ""),
                withoutReason(allocator.decide(range(2, Set.of(1L, 2L, 3L, 4L), Set.of(), 3), n)));
    }

    @Test
    void removalThatWouldLoseAQuorumOfLiveVotersIsNotProposed() {
        // Five voters, two suspect, target 3: the suspect ones may go, live ones may not until then.
        Map<Long, NodeState> n = nodes(live(1, 1), live(2, 1), live(3, 1),
                new NodeState(4, Health.SUSPECT, 1, 0), new NodeState(5, Health.SUSPECT, 1, 0));
        assertEquals(new Action.RemoveReplica(4, ""),
                withoutReason(allocator.decide(range(2, Set.of(1L, 2L, 3L, 4L, 5L), Set.of(), 1), n)));
    }

    @Test
    void promotionThatWouldRaiseTheQuorumAboveTheLiveVotersWaits() {
        // Voters 1,2,3 with 2 and 3 down: promoting 4 makes 4 voters needing 3, only 2 live.
        Map<Long, NodeState> n = nodes(live(1, 1), new NodeState(2, Health.SUSPECT, 1, 0),
                new NodeState(3, Health.SUSPECT, 1, 0), live(4, 1));
        RangeState r = new RangeState(2, Set.of(1L, 2L, 3L), Set.of(4L), 1, Set.of(4L), Map.of());
        assertTrue(allocator.decide(r, n).isEmpty());
    }

    @Test
    void replicasMoveFromAnOverloadedNodeToAnEmptyOne() {
        Map<Long, NodeState> n = nodes(live(1, 100), live(2, 100), live(3, 100), live(4, 0));
        assertEquals(new Action.AddLearner(4, ""),
                withoutReason(allocator.decide(range(7, Set.of(1L, 2L, 3L), Set.of(), 1), n)));
        // Balanced within one of the mean: nothing moves.
        Map<Long, NodeState> balanced = nodes(live(1, 76), live(2, 75), live(3, 75), live(4, 74));
        assertTrue(allocator.decide(range(7, Set.of(1L, 2L, 3L), Set.of(), 1), balanced).isEmpty());
    }

    @Test
    void nodesWithUnknownCountsTakeNoPartInRebalancing() {
        Map<Long, NodeState> n = nodes(live(1, 100), live(2, 100), live(3, 100),
                new NodeState(4, Health.LIVE, 0, 0, false), live(5, 10));
        assertEquals(new Action.AddLearner(5, ""),
                withoutReason(allocator.decide(range(7, Set.of(1L, 2L, 3L), Set.of(), 1), n)));
        Map<Long, NodeState> onlyUnknown = nodes(live(1, 100), live(2, 100), live(3, 100),
                new NodeState(4, Health.LIVE, 0, 0, false));
        assertTrue(allocator.decide(range(7, Set.of(1L, 2L, 3L), Set.of(), 1), onlyUnknown).isEmpty());
        // Up-replication still uses such a node: an unknown count is no reason to stay under-replicated.
        assertEquals(new Action.AddLearner(4, ""),
                withoutReason(allocator.decide(range(7, Set.of(1L, 2L), Set.of(), 1), onlyUnknown)));
    }

    @Test
    void leasesMoveFromAnOverloadedLeaseholder() {
        Map<Long, NodeState> n = nodes(live(1, 10, 8), live(2, 10, 1), live(3, 10, 0));
        assertEquals(new Action.TransferLease(3, ""),
                withoutReason(allocator.decide(range(7, Set.of(1L, 2L, 3L), Set.of(), 1), n)));
        Map<Long, NodeState> balanced = nodes(live(1, 10, 4), live(2, 10, 3), live(3, 10, 3));
        assertTrue(allocator.decide(range(7, Set.of(1L, 2L, 3L), Set.of(), 1), balanced).isEmpty());
    }

    @Test
    void metaRangeTargetFollowsTheNodesNotDeadRoundedToOdd() {
        assertEquals(3, allocator.targetReplicas(1, 1));
        assertEquals(3, allocator.targetReplicas(1, 4));
        assertEquals(5, allocator.targetReplicas(1, 5));
        assertEquals(5, allocator.targetReplicas(1, 9));
        assertEquals(3, allocator.targetReplicas(2, 9));
        Allocator single = new Allocator(new AllocatorSettings(1, MINUTE));
        assertEquals(1, single.targetReplicas(1, 2));
        assertEquals(3, single.targetReplicas(1, 3));
        assertEquals(1, single.targetReplicas(2, 3));
    }

    @Test
    void badSettingsAndInputsAreRefusedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AllocatorSettings(2, MINUTE));
        assertTrue(e.getMessage().contains("1, 3 or 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RangeState(2, Set.of(1L), Set.of(1L), 1, Set.of(), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new NodeState(0, Health.LIVE, 0, 0));
    }

    private static Action withoutReason(Optional<Action> a) {
        return withoutReason(a.orElseThrow(() -> new AssertionError("no action")));
    }

    static Action withoutReason(Action x) {
        if (x instanceof Action.AddLearner) return new Action.AddLearner(x.nodeId(), "");
        if (x instanceof Action.PromoteLearner) return new Action.PromoteLearner(x.nodeId(), "");
        if (x instanceof Action.RemoveReplica) return new Action.RemoveReplica(x.nodeId(), "");
        return new Action.TransferLease(x.nodeId(), "");
    }
}

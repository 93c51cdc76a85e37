package io.conclave.range.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.range.allocator.NodeState.Health;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Property: a model cluster whose ranges follow the allocator's answers, with nodes dying on the
 * way, converges to every range on the target number of live voters, replicas and leases within
 * one of the mean, and no step ever removes the leaseholder or leaves a range without a live
 * quorum. Learners catch up one round after they are added.
 */
class AllocatorConvergenceTest {
    private static final int ROUNDS = 400;

    private static final class ModelRange {
        final long id;
        final Set<Long> voters = new TreeSet<>();
        final Set<Long> learners = new TreeSet<>();
        final Set<Long> caughtUp = new TreeSet<>();
        long leaseholder;

        ModelRange(long id) {
            this.id = id;
        }
    }

    @Test
    void clustersConvergeUnderNodeDeaths() {
        int deaths = 0;
        for (long seed = 1; seed <= 60; seed++) {
            try {
                deaths += run(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            }
        }
        assertTrue(deaths >= 10, "the seeds killed only " + deaths + " nodes: the test lost its teeth");
    }

    /** Runs one model cluster to a settled state; returns how many nodes died in it. */
    private static int run(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int nodeCount = 3 + random.nextInt(5);
        int rf = nodeCount >= 5 && random.nextBoolean() ? 5 : 3;
        Allocator allocator = new Allocator(new AllocatorSettings(rf, 1_000_000_000L));
        Map<Long, Health> health = new HashMap<>();
        for (long n = 1; n <= nodeCount; n++) health.put(n, Health.LIVE);
        // Bootstrap like `conclave init`: every range on node 1 alone, or a fixed membership.
        List<ModelRange> ranges = new ArrayList<>();
        int rangeCount = 1 + random.nextInt(40);
        boolean fixed = random.nextBoolean();
        for (long id = 1; id <= rangeCount; id++) {
            ModelRange r = new ModelRange(id);
            if (fixed) {
                for (long n = 1; n <= Math.min(3, nodeCount); n++) r.voters.add(n);
            } else {
                r.voters.add(1L);
            }
            r.leaseholder = 1;
            ranges.add(r);
        }
        // Nodes that die for good, at most what the replication factor tolerates, each once every
        // range is whole again (the model has no snapshots to lose).
        int deaths = random.nextInt(1 + Math.min(rf / 2, nodeCount - rf));
        List<Long> dying = new ArrayList<>();
        for (int i = 0; i < deaths; i++) dying.add(2L + random.nextInt(nodeCount - 1));
        int nextDeathRound = 10 + random.nextInt(30);

        int quietRounds = 0;
        int died = 0;
        for (int round = 0; round < ROUNDS && (quietRounds < 3 || !dying.isEmpty()); round++) {
            if (!dying.isEmpty() && round >= nextDeathRound && allHealthy(ranges, health, allocator)) {
                long victim = dying.remove(0);
                if (health.get(victim) == Health.LIVE && liveNodes(health) > rf) {
                    health.put(victim, Health.DEAD);
                    died++;
                }
                nextDeathRound = round + 1 + random.nextInt(30);
            }
            for (ModelRange r : ranges) {
                r.caughtUp.addAll(r.learners);
                if (health.get(r.leaseholder) != Health.LIVE) {
                    // A new leader takes over if a live quorum is left.
                    long liveVoters = r.voters.stream().filter(v -> health.get(v) == Health.LIVE).count();
                    assertTrue(liveVoters >= Allocator.quorum(r.voters.size()), "range " + r.id + " lost its quorum");
                    r.leaseholder = r.voters.stream().filter(v -> health.get(v) == Health.LIVE).findFirst().orElseThrow();
                }
            }
            boolean acted = false;
            for (ModelRange r : ranges) {
                Map<Long, NodeState> nodes = nodeStates(health, ranges);
                RangeState state = new RangeState(r.id, r.voters, r.learners, r.leaseholder, r.caughtUp, Map.of());
                Optional<Action> action = allocator.decide(state, nodes);
                if (action.isEmpty()) continue;
                acted = true;
                apply(r, action.get(), health);
            }
            quietRounds = acted ? 0 : quietRounds + 1;
        }
        if (quietRounds < 3) fail("did not settle within " + ROUNDS + " rounds: " + describe(ranges, health));
        Map<Long, NodeState> nodes = nodeStates(health, ranges);
        int available = liveNodes(health);
        for (ModelRange r : ranges) {
            int target = allocator.targetReplicas(r.id, available);
            assertTrue(r.learners.isEmpty(), "range " + r.id + " kept learners " + r.learners);
            assertEquals(Math.min(target, available), r.voters.size(), "range " + r.id + " voters " + r.voters);
            for (long v : r.voters) assertEquals(Health.LIVE, health.get(v), "range " + r.id + " on dead node " + v);
        }
        double meanReplicas = nodes.values().stream().filter(NodeState::live).mapToInt(NodeState::replicaCount).average().orElseThrow();
        for (NodeState n : nodes.values()) {
            if (!n.live()) continue;
            // Settled means no voter node above mean + 1 with a node below the mean to take it.
            assertTrue(n.replicaCount() <= Math.ceil(meanReplicas) + 1 || ranges.size() < nodes.size(),
                    "node " + n.nodeId() + " holds " + n.replicaCount() + " replicas, mean " + meanReplicas);
        }
        return died;
    }

    private static String describe(List<ModelRange> ranges, Map<Long, Health> health) {
        StringBuilder sb = new StringBuilder("nodes " + health);
        for (ModelRange r : ranges) {
            sb.append("; r").append(r.id).append(" voters ").append(r.voters).append(" learners ")
                    .append(r.learners).append(" lease ").append(r.leaseholder);
        }
        return sb.toString();
    }

    private static boolean allHealthy(List<ModelRange> ranges, Map<Long, Health> health, Allocator allocator) {
        // Kill a node only when every range has its voters: the model has no snapshots to lose.
        for (ModelRange r : ranges) {
            if (!r.learners.isEmpty()) return false;
            if (r.voters.stream().anyMatch(v -> health.get(v) != Health.LIVE)) return false;
            if (r.voters.size() < allocator.targetReplicas(r.id, liveNodes(health))) return false;
        }
        return true;
    }

    private static int liveNodes(Map<Long, Health> health) {
        return (int) health.values().stream().filter(h -> h == Health.LIVE).count();
    }

    private static Map<Long, NodeState> nodeStates(Map<Long, Health> health, List<ModelRange> ranges) {
        Map<Long, NodeState> nodes = new HashMap<>();
        for (Map.Entry<Long, Health> e : health.entrySet()) {
            long id = e.getKey();
            int replicas = (int) ranges.stream().filter(r -> r.voters.contains(id) || r.learners.contains(id)).count();
            int leases = (int) ranges.stream().filter(r -> r.leaseholder == id).count();
            nodes.put(id, new NodeState(id, e.getValue(), replicas, leases));
        }
        return nodes;
    }

    private static void apply(ModelRange r, Action action, Map<Long, Health> health) {
        long n = action.nodeId();
        if (action instanceof Action.AddLearner) {
            assertTrue(!r.voters.contains(n) && !r.learners.contains(n), action + " on a node with a replica");
            assertEquals(Health.LIVE, health.get(n), action + " on a node not live");
            r.learners.add(n);
        } else if (action instanceof Action.PromoteLearner) {
            assertTrue(r.learners.remove(n), action + " of a non-learner");
            r.caughtUp.remove(n);
            r.voters.add(n);
        } else if (action instanceof Action.RemoveReplica) {
            if (n == r.leaseholder) fail("range " + r.id + ": " + action + " removes the leaseholder");
            r.learners.remove(n);
            r.caughtUp.remove(n);
            r.voters.remove(n);
            long liveVoters = r.voters.stream().filter(v -> health.get(v) == Health.LIVE).count();
            assertTrue(!r.voters.isEmpty() && liveVoters >= Allocator.quorum(r.voters.size()),
                    "range " + r.id + ": " + action + " leaves " + liveVoters + " live of " + r.voters);
        } else {
            assertTrue(r.voters.contains(n) && health.get(n) == Health.LIVE, action + " to a node without a live voter");
            r.leaseholder = n;
        }
    }
}

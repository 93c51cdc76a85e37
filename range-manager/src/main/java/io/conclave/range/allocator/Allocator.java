package io.conclave.range.allocator;

import io.conclave.range.Keys;
import io.conclave.range.allocator.NodeState.Health;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * Decides the next membership or lease change of one range, as its leaseholder sees it: pure,
 * deterministic, no I/O. The caller executes at most one action per range at a time and asks
 * again once it took effect; every rule below is written so that executing the answer and asking
 * again converges (each rule undoes no other's work).
 *
 * <p>In order, the first rule that applies wins:
 * <ol>
 *   <li>A learner is dealt with before anything else: removed if its node is not live, refuses
 *       the range (see {@link RangeState#refusedNodes}) or it has not caught up within the
 *       learner timeout; promoted once caught up; else waited for.</li>
 *   <li>More voters than the target: remove a dead voter, else an unreachable one, else the
 *       live voter on the node with the most replicas. If that is the leaseholder, transfer its
 *       lease first (a leaseholder never removes itself).</li>
 *   <li>A voter on a dead node (dead longer than the dead-after setting): add a learner on a
 *       live node without a replica; rule 2 removes the dead voter after the promotion. The
 *       replacement comes first so that the range never has fewer live replicas than before.</li>
 *   <li>Fewer replicas than the target: add a learner on the live node without a replica that
 *       holds the fewest replicas.</li>
 *   <li>Replica rebalance, only for a healthy range: if a voter's node holds more than one
 *       replica above the mean of live nodes and a live node without a replica holds fewer than
 *       the mean, add a learner there (rule 2 then removes from the most loaded node). Nodes
 *       whose counts are unknown take no part (an unknown count would look like an empty node).</li>
 *   <li>Lease rebalance: if the leaseholder's node holds more than one lease above the mean, and
 *       a live voter's node fewer than the mean, transfer the lease there.</li>
 * </ol>
 * Safety: no removal leaves fewer live voters than a quorum of the new configuration, and no
 * promotion raises the quorum above the live voters. A node the caller has no state for counts
 * as {@link Health#SUSPECT}: it is neither used nor replaced.
 */
public final class Allocator {
    private final AllocatorSettings settings;

    public Allocator(AllocatorSettings settings) {
        this.settings = settings;
    }

    /**
     * Replicas the range should have. User ranges: the replication factor. The meta range: as
     * many as min(5, nodes not dead) allow, rounded down to odd, and never fewer than the factor,
     * since every client must read it before anything else.
     */
    public int targetReplicas(long rangeId, int availableNodes) {
        if (rangeId != Keys.META_RANGE_ID) return settings.replicationFactor();
        int meta = Math.min(AllocatorSettings.MAX_META_REPLICAS, availableNodes);
        if (meta % 2 == 0) meta--;
        return Math.max(settings.replicationFactor(), meta);
    }

    /**
     * The next change for {@code range}, or empty if it is as it should be (or must wait: a
     * learner catching up, no node to move to, a change that would endanger quorum).
     *
     * @param nodes every node the caller knows, by id
     */
    public Optional<Action> decide(RangeState range, Map<Long, NodeState> nodes) {
        Invariants.require(range.replicaCount() > 0, "range %d has no replicas", range.rangeId());
        View view = new View(range, nodes);
        int target = targetReplicas(range.rangeId(), view.availableNodes);
        Optional<Action> action = learners(view);
        if (action.isPresent() || !range.learners().isEmpty()) return action;
        if (range.voters().size() > target) return removeVoter(view, target);
        action = replaceDead(view);
        if (action.isPresent()) return action;
        if (range.replicaCount() < target) {
            return view.bestNewNode().map(n -> new Action.AddLearner(n.nodeId(),
                    "range " + range.rangeId() + " has " + range.replicaCount() + " of " + target + " replicas"));
        }
        if (range.voters().size() == target && view.allVotersLive()) {
            action = rebalanceReplicas(view);
            if (action.isPresent()) return action;
            return rebalanceLease(view);
        }
        return Optional.empty();
    }

    private Optional<Action> learners(View view) {
        RangeState range = view.range;
        for (long learner : range.learners().stream().sorted().toList()) {
            Health health = view.health(learner);
            if (health != Health.LIVE) {
                return Optional.of(new Action.RemoveReplica(learner,
                        "learner on node " + learner + " which is " + health.name().toLowerCase()));
            }
            if (range.refusedNodes().contains(learner)) {
                return Optional.of(new Action.RemoveReplica(learner, "node " + learner
                        + " never created its replica of range " + range.rangeId() + " (removed from it before?)"));
            }
            if (range.caughtUpLearners().contains(learner)) {
                if (view.liveVoters + 1 < quorum(range.voters().size() + 1)) return Optional.empty();
                return Optional.of(new Action.PromoteLearner(learner, "learner on node " + learner + " caught up"));
            }
            long ageNanos = range.learnerAgeNanos().getOrDefault(learner, 0L);
            if (ageNanos >= settings.learnerTimeoutNanos()) {
                return Optional.of(new Action.RemoveReplica(learner, "learner on node " + learner
                        + " has not caught up after " + ageNanos / 1_000_000 + " ms"));
            }
        }
        return Optional.empty();
    }

    private Optional<Action> removeVoter(View view, int target) {
        RangeState range = view.range;
        String why = "range " + range.rangeId() + " has " + range.voters().size() + " voters, target " + target;
        for (Health unwanted : new Health[] {Health.DEAD, Health.SUSPECT}) {
            Optional<Long> victim = range.voters().stream().filter(v -> view.health(v) == unwanted).sorted().findFirst();
            if (victim.isPresent()) {
                // Removing a voter that is down keeps every live one: the quorum only gets easier.
                return Optional.of(new Action.RemoveReplica(victim.get(),
                        why + "; node " + victim.get() + " is " + unwanted.name().toLowerCase()));
            }
        }
        if (view.liveVoters - 1 < quorum(range.voters().size() - 1)) return Optional.empty();
        // The most loaded node gives up its replica; among equals, not the leaseholder.
        long victim = range.voters().stream()
                .max(Comparator.<Long>comparingInt(v -> view.node(v).replicaCount())
                        .thenComparing(v -> v != range.leaseholder())
                        .thenComparingLong(v -> v))
                .orElseThrow();
        if (victim == range.leaseholder()) {
            return view.leastLeasedVoterExcept(victim).map(to -> new Action.TransferLease(to,
                    why + "; the leaseholder's node " + victim + " is the most loaded, so it hands off its lease first"));
        }
        return Optional.of(new Action.RemoveReplica(victim, why + "; node " + victim + " holds the most replicas ("
                + view.node(victim).replicaCount() + ")"));
    }

    private Optional<Action> replaceDead(View view) {
        RangeState range = view.range;
        Optional<Long> dead = range.voters().stream().filter(v -> view.health(v) == Health.DEAD).sorted().findFirst();
        if (dead.isEmpty()) return Optional.empty();
        return view.bestNewNode().map(n -> new Action.AddLearner(n.nodeId(),
                "replacing the replica on dead node " + dead.get() + " of range " + range.rangeId()));
    }

    private Optional<Action> rebalanceReplicas(View view) {
        double mean = view.meanReplicas();
        NodeState busiest = view.range.voters().stream().map(view::node)
                .max(Comparator.comparingInt(NodeState::replicaCount).thenComparingLong(NodeState::nodeId))
                .orElseThrow();
        if (busiest.replicaCount() <= mean + 1) return Optional.empty();
        if (!busiest.countsKnown()) return Optional.empty();
        return view.bestNewNode(true)
                .filter(n -> n.replicaCount() < mean)
                .map(n -> new Action.AddLearner(n.nodeId(), String.format(
                        "rebalancing: node %d holds %d replicas, node %d holds %d, the mean is %.1f",
                        busiest.nodeId(), busiest.replicaCount(), n.nodeId(), n.replicaCount(), mean)));
    }

    private Optional<Action> rebalanceLease(View view) {
        long holder = view.range.leaseholder();
        if (holder == 0 || !view.range.voters().contains(holder)) return Optional.empty();
        double mean = view.meanLeases();
        NodeState holderState = view.node(holder);
        if (!holderState.countsKnown() || holderState.leaseCount() <= mean + 1) return Optional.empty();
        return view.leastLeasedVoterExcept(holder)
                .filter(to -> view.node(to).countsKnown() && view.node(to).leaseCount() < mean)
                .map(to -> new Action.TransferLease(to, String.format(
                        "rebalancing leases: node %d holds %d, node %d holds %d, the mean is %.1f",
                        holder, holderState.leaseCount(), to, view.node(to).leaseCount(), mean)));
    }

    static int quorum(int voters) {
        return voters / 2 + 1;
    }

    /** The inputs with the counts every rule needs. */
    private static final class View {
        final RangeState range;
        final Map<Long, NodeState> nodes;
        /** Nodes not dead: a node restarting must not shrink the meta range's target. */
        final int availableNodes;
        final int liveVoters;

        View(RangeState range, Map<Long, NodeState> nodes) {
            this.range = range;
            this.nodes = nodes;
            this.availableNodes = (int) nodes.values().stream().filter(n -> n.health() != Health.DEAD).count();
            this.liveVoters = (int) range.voters().stream().filter(v -> health(v) == Health.LIVE).count();
            for (Map.Entry<Long, NodeState> e : nodes.entrySet()) {
                Invariants.require(e.getKey() == e.getValue().nodeId(),
                        "node map key %d names node %d", e.getKey(), e.getValue().nodeId());
            }
        }

        Health health(long nodeId) {
            NodeState n = nodes.get(nodeId);
            return n == null ? Health.SUSPECT : n.health();
        }

        NodeState node(long nodeId) {
            NodeState n = nodes.get(nodeId);
            return n != null ? n : new NodeState(nodeId, Health.SUSPECT, 0, 0, false);
        }

        boolean allVotersLive() {
            return liveVoters == range.voters().size();
        }

        /** The live node without a replica of this range that holds the fewest replicas. */
        Optional<NodeState> bestNewNode() {
            return bestNewNode(false);
        }

        Optional<NodeState> bestNewNode(boolean countsKnownOnly) {
            return nodes.values().stream()
                    .filter(n -> n.live() && !range.hasReplicaOn(n.nodeId()) && !range.refusedNodes().contains(n.nodeId())
                            && (n.countsKnown() || !countsKnownOnly))
                    .min(Comparator.comparingInt(NodeState::replicaCount).thenComparingLong(NodeState::nodeId));
        }

        /** The live voter other than {@code except} whose node holds the fewest leases. */
        Optional<Long> leastLeasedVoterExcept(long except) {
            return range.voters().stream()
                    .filter(v -> v != except && health(v) == Health.LIVE)
                    .min(Comparator.<Long>comparingInt(v -> node(v).leaseCount()).thenComparingLong(v -> v));
        }

        /** Over the live nodes whose counts are known. */
        double meanReplicas() {
            return nodes.values().stream().filter(n -> n.live() && n.countsKnown()).mapToInt(NodeState::replicaCount)
                    .average().orElse(0);
        }

        double meanLeases() {
            return nodes.values().stream().filter(n -> n.live() && n.countsKnown()).mapToInt(NodeState::leaseCount)
                    .average().orElse(0);
        }
    }
}

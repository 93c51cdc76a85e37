package io.conclave.range.allocator;

import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.ReplicaDescriptor;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The range the allocator decides about, as its leaseholder sees it.
 *
 * @param voters the Raft configuration's voters
 * @param learners the Raft configuration's learners (disjoint from voters)
 * @param leaseholder the node holding the lease (the node deciding), 0 if none
 * @param caughtUpLearners learners whose applied index reached the leader's commit index
 * @param learnerAgeNanos for each learner, how long ago the deciding node first saw it (absent:
 *     just now)
 * @param refusedNodes nodes known not to take a replica of this range: a learner added there
 *     never appeared in the node's status (a node that held a replica of the range before and was
 *     removed from it may keep refusing it). A learner there is removed; none is added there.
 */
public record RangeState(long rangeId, Set<Long> voters, Set<Long> learners, long leaseholder,
        Set<Long> caughtUpLearners, Map<Long, Long> learnerAgeNanos, Set<Long> refusedNodes) {

    public RangeState {
        voters = Set.copyOf(voters);
        learners = Set.copyOf(learners);
        caughtUpLearners = Set.copyOf(caughtUpLearners);
        learnerAgeNanos = Map.copyOf(learnerAgeNanos);
        refusedNodes = Set.copyOf(refusedNodes);
        Invariants.require(rangeId > 0, "range id must be > 0, got %d", rangeId);
        for (long learner : learners) {
            Invariants.require(!voters.contains(learner),
                    "range %d: node %d is both voter and learner", rangeId, learner);
        }
    }

    /** A range with no refused nodes. */
    public RangeState(long rangeId, Set<Long> voters, Set<Long> learners, long leaseholder,
            Set<Long> caughtUpLearners, Map<Long, Long> learnerAgeNanos) {
        this(rangeId, voters, learners, leaseholder, caughtUpLearners, learnerAgeNanos, Set.of());
    }

    /**
     * The state of a range from its leaseholder's GroupStatus: the Raft configuration when the
     * status has one (it changes first, at apply), else the descriptor's replicas.
     */
    public static RangeState fromStatus(GroupStatus status, Set<Long> caughtUpLearners,
            Map<Long, Long> learnerAgeNanos) {
        Set<Long> voters = new TreeSet<>();
        Set<Long> learners = new TreeSet<>();
        if (status.getVotersCount() > 0) {
            voters.addAll(status.getVotersList());
            learners.addAll(status.getLearnersList());
        } else {
            for (ReplicaDescriptor r : status.getRangeDescriptor().getReplicasList()) {
                (r.getLearner() ? learners : voters).add(r.getNodeId());
            }
        }
        long rangeId = status.getGroupId() != 0 ? status.getGroupId() : status.getRangeDescriptor().getRangeId();
        return new RangeState(rangeId, voters, learners, status.getLease().getHolder(),
                caughtUpLearners, learnerAgeNanos);
    }

    public int replicaCount() {
        return voters.size() + learners.size();
    }

    public boolean hasReplicaOn(long nodeId) {
        return voters.contains(nodeId) || learners.contains(nodeId);
    }
}

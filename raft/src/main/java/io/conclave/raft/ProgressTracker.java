package io.conclave.raft;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The current membership (voters, learners), the leader's {@link Progress} per member, and the
 * votes of an election. Quorums are majorities of voters; learners never count. Iteration is in
 * id order so that message order, and hence a simulation, is deterministic.
 */
final class ProgressTracker {
    enum VoteResult { WON, LOST, PENDING }

    final TreeSet<Long> voters = new TreeSet<>();
    final TreeSet<Long> learners = new TreeSet<>();
    final TreeMap<Long, Progress> progress = new TreeMap<>();
    final Map<Long, Boolean> votes = new HashMap<>();
    private final int maxInflight;

    ProgressTracker(int maxInflight) {
        this.maxInflight = maxInflight;
    }

    ConfState confState() {
        return new ConfState(new TreeSet<>(voters), new TreeSet<>(learners));
    }

    boolean isSingleton() {
        return voters.size() == 1;
    }

    int quorum() {
        return voters.size() / 2 + 1;
    }

    /** The highest index replicated on a quorum of voters (0 with no voters). */
    long committed() {
        if (voters.isEmpty()) return 0;
        long[] matches = new long[voters.size()];
        int i = 0;
        for (long id : voters) {
            Progress pr = progress.get(id);
            matches[i++] = pr == null ? 0 : pr.match;
        }
        Arrays.sort(matches);
        return matches[matches.length - quorum()];
    }

    void resetVotes() {
        votes.clear();
    }

    void recordVote(long id, boolean granted) {
        votes.putIfAbsent(id, granted);
    }

    VoteResult voteResult() {
        return voteResult(votes);
    }

    VoteResult voteResult(Map<Long, Boolean> ballots) {
        if (voters.isEmpty()) return VoteResult.WON;
        int granted = 0;
        int missing = 0;
        for (long id : voters) {
            Boolean v = ballots.get(id);
            if (v == null) missing++;
            else if (v) granted++;
        }
        if (granted >= quorum()) return VoteResult.WON;
        if (granted + missing >= quorum()) return VoteResult.PENDING;
        return VoteResult.LOST;
    }

    /** Whether a quorum of voters was recently active; {@code self} always counts. */
    boolean quorumActive(long self) {
        int active = 0;
        for (long id : voters) {
            Progress pr = progress.get(id);
            if (id == self || (pr != null && pr.recentActive)) active++;
        }
        return active >= quorum();
    }

    Progress get(long id) {
        return progress.get(id);
    }
}

package io.conclave.raft;

import java.util.Set;
import java.util.TreeSet;

/** The membership of a group: voters count towards quorums, learners only receive the log. */
public record ConfState(Set<Long> voters, Set<Long> learners) {
    public static final ConfState EMPTY = new ConfState(Set.of(), Set.of());

    public ConfState {
        voters = Set.copyOf(voters);
        learners = Set.copyOf(learners);
    }

    public static ConfState ofVoters(long... ids) {
        Set<Long> v = new TreeSet<>();
        for (long id : ids) v.add(id);
        return new ConfState(v, Set.of());
    }
}

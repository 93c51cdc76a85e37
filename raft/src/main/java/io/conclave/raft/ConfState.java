package io.conclave.raft;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The membership of a group: voters count towards quorums, learners only receive the log. Both
 * sets iterate in ascending node id: {@code Set.copyOf} would iterate in an order salted per JVM,
 * and the order in which a leader walks its peers (sending, probing) must be the same in every
 * run of a seed, or a simulation's failure would not replay in a new process.
 */
public record ConfState(Set<Long> voters, Set<Long> learners) {
    public static final ConfState EMPTY = new ConfState(Set.of(), Set.of());

    public ConfState {
        voters = Collections.unmodifiableSortedSet(new TreeSet<>(voters));
        learners = Collections.unmodifiableSortedSet(new TreeSet<>(learners));
    }

    public static ConfState ofVoters(long... ids) {
        Set<Long> v = new TreeSet<>();
        for (long id : ids) v.add(id);
        return new ConfState(v, Set.of());
    }
}

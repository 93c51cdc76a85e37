package io.conclave.node.fault;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fault rules in force on one node: the peers it is cut off from, and the step added to its
 * physical clock.
 *
 * @param isolatedFrom peers (node ids) this node exchanges nothing with
 * @param clockOffsetNanos added to the node's physical clock
 */
public record FaultRules(Set<Long> isolatedFrom, long clockOffsetNanos) {
    /** More peers than any test cluster has; a longer list is a bug in the caller. */
    public static final int MAX_ISOLATED_PEERS = 64;
    /**
     * The largest clock step accepted, either way: far beyond any max offset (so "beyond it" can be
     * tested) yet small enough that no timestamp arithmetic comes near overflow.
     */
    public static final long MAX_CLOCK_OFFSET_NANOS = 3_600_000_000_000L;

    public static final FaultRules NONE = new FaultRules(Set.of(), 0);

    public FaultRules {
        if (isolatedFrom == null) throw new IllegalArgumentException("isolatedFrom must not be null");
        if (isolatedFrom.size() > MAX_ISOLATED_PEERS) {
            throw new IllegalArgumentException("at most " + MAX_ISOLATED_PEERS + " isolated peers, got "
                    + isolatedFrom.size());
        }
        for (long id : isolatedFrom) {
            if (id <= 0) throw new IllegalArgumentException("node ids are positive, got " + id + " in " + isolatedFrom);
        }
        if (Math.abs(clockOffsetNanos) > MAX_CLOCK_OFFSET_NANOS) {
            throw new IllegalArgumentException("a clock step of " + clockOffsetNanos + " ns exceeds the limit of "
                    + MAX_CLOCK_OFFSET_NANOS + " ns either way");
        }
        // Sorted, so the rules read the same in logs and answers whatever order they came in.
        isolatedFrom = Collections.unmodifiableSortedSet(new TreeSet<>(isolatedFrom));
    }

    public boolean isolates(long nodeId) {
        return isolatedFrom.contains(nodeId);
    }
}

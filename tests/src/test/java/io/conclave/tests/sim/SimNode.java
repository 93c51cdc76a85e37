package io.conclave.tests.sim;

import io.conclave.raft.ConfState;
import io.conclave.raft.RawNode;
import io.conclave.raft.Role;
import java.util.SplittableRandom;

/**
 * One simulated replica: its disk, which survives crashes, and its {@link RawNode}, which does
 * not. A restart builds a new RawNode from the disk alone, with the applied index persisted with
 * the state machine, exactly as a production process would after kill -9.
 */
final class SimNode {
    final long id;
    final SimDisk disk;
    /** Seeds each incarnation's election-timeout randomization. */
    private final SplittableRandom random;
    private RawNode raft;
    /** Readys persisted and sent but not yet applied and advanced (asynchronous driver only). */
    final java.util.ArrayDeque<io.conclave.raft.Ready> pendingReadys = new java.util.ArrayDeque<>();
    private int restarts;
    /** Role and term observed after the last handled Ready; volatile state, gone on crash. */
    private Role role = Role.FOLLOWER;
    private long term;
    private long leaderHint;

    /** Steps between this node's ticks: its clock rate. */
    final int tickPeriodSteps;

    SimNode(long id, ConfState initial, SplittableRandom random, int tickPeriodSteps) {
        SimCheck.check(tickPeriodSteps >= 1, "tick period must be positive, was %d", tickPeriodSteps);
        this.id = id;
        this.tickPeriodSteps = tickPeriodSteps;
        this.disk = new SimDisk(initial);
        this.random = random;
    }

    void start(SimOptions options) {
        SimCheck.check(raft == null, "node %d is already running", id);
        raft = new RawNode(options.raftConfig(id, disk.applied().appliedIndex(), random.nextLong()), disk);
        role = Role.FOLLOWER;
        leaderHint = 0;
    }

    /** Stops the node; returns the hard state its disk holds afterwards. */
    io.conclave.raft.HardState crash(boolean loseUnsynced) {
        SimCheck.check(raft != null, "node %d is already down", id);
        raft = null;
        pendingReadys.clear();
        io.conclave.raft.HardState survived = disk.crash(loseUnsynced);
        restarts++;
        role = Role.FOLLOWER;
        leaderHint = 0;
        return survived;
    }

    boolean live() {
        return raft != null;
    }

    RawNode raft() {
        SimCheck.check(raft != null, "node %d is down", id);
        return raft;
    }

    void observe(Role role, long term, long leaderHint) {
        this.role = role;
        this.term = term;
        this.leaderHint = leaderHint;
    }

    boolean isLeader() {
        return raft != null && role == Role.LEADER;
    }

    Role role() {
        return role;
    }

    long term() {
        return term;
    }

    long leaderHint() {
        return leaderHint;
    }

    int restarts() {
        return restarts;
    }
}
